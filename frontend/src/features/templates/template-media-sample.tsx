import {
  TEMPLATE_MEDIA_FILE_ERRORS,
  TEMPLATE_MEDIA_TYPES,
  isTemplateMediaType,
  templateMediaTypesOf,
  type TemplateMediaFileError,
  type TemplateMediaFormat,
} from '@crm/contracts/browser';
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { FilePicker } from '../../components/file-picker';
import { useFormatters } from '../../lib/format';
import { useUploadTemplateMediaSample } from './templates-api';

/** Why a sample could not be used, as a key under `templates.mediaSample.errors`. */
type SampleErrorKey = TemplateMediaFileError | 'reconnect' | 'metaUnavailable' | 'metaRejected' | 'generic';

type SampleState =
  | { status: 'idle' }
  | { status: 'uploading'; fileName: string }
  | { status: 'uploaded'; fileName: string }
  | { status: 'failed'; error: SampleErrorKey; message?: string };

const SHORT_TYPES: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'video/mp4': 'MP4',
  'application/pdf': 'PDF',
};

/** What the gateway's refusal means for the person choosing the file. */
function errorOf(error: unknown): { error: SampleErrorKey; message?: string } {
  if (!isApiError(error)) return { error: 'generic' };
  const reason = error.details?.['reason'];
  if (typeof reason === 'string' && (TEMPLATE_MEDIA_FILE_ERRORS as readonly string[]).includes(reason)) {
    return { error: reason as TemplateMediaFileError };
  }
  if (error.status === 415) return { error: 'unsupported_type' };
  if (error.status === 413) return { error: 'too_large' };
  if (error.code === 'META_TOKEN_EXPIRED' || error.code === 'META_NOT_CONNECTED')
    return { error: 'reconnect' };
  if (error.code === 'META_REJECTED') return { error: 'metaRejected', message: error.message };
  if (
    error.code === 'META_UNAVAILABLE' ||
    error.code === 'META_RATE_LIMITED' ||
    error.code === 'UPSTREAM_TIMEOUT' ||
    error.code === 'NETWORK'
  ) {
    return { error: 'metaUnavailable' };
  }
  return { error: 'generic' };
}

/**
 * The sample of a media header: the file is uploaded to Meta as soon as it is chosen (Meta wants a handle from its
 * upload API, never a URL); `onChange` gets the handle, or '' while none is usable. Checked here first (type, size),
 * then by the gateway.
 */
export function TemplateMediaSampleField({
  format,
  handle,
  onChange,
  error,
}: {
  format: TemplateMediaFormat;
  handle: string;
  onChange: (handle: string) => void;
  /** The form's own error for this field (no sample when submitting). */
  error?: ReactNode;
}) {
  const { t } = useTranslation();
  const { integer } = useFormatters();
  const upload = useUploadTemplateMediaSample();
  const [state, setState] = useState<SampleState>({ status: 'idle' });
  // Only the last chosen file's answer counts (a second choice while the first is uploading).
  const latest = useRef(0);
  const types = templateMediaTypesOf(format);
  const largest = Math.max(...types.map((type) => TEMPLATE_MEDIA_TYPES[type].maxBytes));

  const choose = (file: File | undefined) => {
    const attempt = ++latest.current;
    onChange('');
    if (!file) {
      setState({ status: 'idle' });
      return;
    }
    if (!isTemplateMediaType(file.type) || !(types as string[]).includes(file.type)) {
      setState({ status: 'failed', error: 'unsupported_type' });
      return;
    }
    if (file.size === 0) {
      setState({ status: 'failed', error: 'empty' });
      return;
    }
    if (file.size > TEMPLATE_MEDIA_TYPES[file.type].maxBytes) {
      setState({ status: 'failed', error: 'too_large' });
      return;
    }
    setState({ status: 'uploading', fileName: file.name });
    upload.mutate(file, {
      onSuccess: (sample) => {
        if (attempt !== latest.current) return;
        onChange(sample.handle);
        setState({ status: 'uploaded', fileName: file.name });
      },
      onError: (failure) => {
        if (attempt !== latest.current) return;
        setState({ status: 'failed', ...errorOf(failure) });
      },
    });
  };

  return (
    <div className="space-y-1 text-sm">
      <FilePicker
        label={t('templates.form.headerMedia')}
        accept={types.join(',')}
        hint={t(`templates.mediaSample.hint.${format}`)}
        onChange={(file) => choose(file ?? undefined)}
      />
      {state.status === 'uploading' ? (
        <div role="status" className="flex items-center gap-2 text-slate-700">
          <progress
            className="h-2 w-32"
            aria-label={t('templates.mediaSample.uploading', { name: state.fileName })}
          />
          <span>{t('templates.mediaSample.uploading', { name: state.fileName })}</span>
        </div>
      ) : null}
      {state.status === 'uploaded' && handle !== '' ? (
        <p role="status" className="text-emerald-700">
          {t('templates.mediaSample.uploaded', { name: state.fileName })}
        </p>
      ) : null}
      {state.status === 'failed' ? (
        <p role="alert" className="text-red-700">
          {t(`templates.mediaSample.errors.${state.error}`, {
            types: types.map((type) => SHORT_TYPES[type]).join(', '),
            mb: integer(largest / (1024 * 1024)),
            message: state.message ?? '',
          })}
        </p>
      ) : null}
      {state.status !== 'failed' && state.status !== 'uploading' ? error : null}
    </div>
  );
}
