import {
  MEDIA_HEADER_FORMATS,
  TEMPLATE_VARIABLE_SOURCES,
  type MediaHeaderFormat,
  type TemplateDetailView,
  type TemplateMapping,
  type TemplateVariableSource,
} from '@crm/contracts/browser';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

const DEFAULT_SOURCES: readonly TemplateVariableSource[] = ['lead.first_name', 'seller.name', 'tenant.name'];

function isSource(value: string): value is TemplateVariableSource {
  return (TEMPLATE_VARIABLE_SOURCES as readonly string[]).includes(value);
}

/** The buttons of a template that take a parameter (a dynamic URL suffix), with their index. */
export function parameterButtons(template: TemplateDetailView): { index: number; text: string }[] {
  return template.buttons
    .map((button, index) => ({ index, text: button.text, count: button.parameterCount }))
    .filter((button) => button.count > 0);
}

/** The template's header format when it is a media one (IMAGE, VIDEO, DOCUMENT), else null. */
export function mediaHeaderFormat(template: TemplateDetailView | null): MediaHeaderFormat | null {
  const format = template?.headerFormat ?? null;
  return format && (MEDIA_HEADER_FORMATS as readonly string[]).includes(format)
    ? (format as MediaHeaderFormat)
    : null;
}

/** The mapping sized to the template: one source per header/body parameter and per dynamic button. */
export function fitMapping(mapping: TemplateMapping, template: TemplateDetailView | null): TemplateMapping {
  if (!template) return mapping;
  const pick = (list: TemplateVariableSource[], count: number) =>
    Array.from({ length: count }, (_, index) => list[index] ?? DEFAULT_SOURCES[index] ?? 'lead.name');
  return {
    header: pick(mapping.header, template.headerFormat === 'TEXT' ? template.headerParameterCount : 0),
    body: pick(mapping.body, template.parameterCount),
    buttons: parameterButtons(template).map(
      (button) =>
        mapping.buttons.find((item) => item.index === button.index) ?? {
          index: button.index,
          source: 'lead.name',
        },
    ),
    ...headerMediaFor(mapping, template),
  };
}

/** The mapping to save: sized to the template, without a media link not yet typed (the API then names what is missing). */
export function requestMapping(mapping: TemplateMapping, template: TemplateDetailView): TemplateMapping {
  const fitted = fitMapping(mapping, template);
  if (fitted.headerMedia && fitted.headerMedia.link === '') {
    const { headerMedia: _unset, ...rest } = fitted;
    return rest;
  }
  return fitted;
}

/** A media-header template keeps (or starts) its media link in the template's format; any other template has none. */
function headerMediaFor(
  mapping: TemplateMapping,
  template: TemplateDetailView,
): Pick<TemplateMapping, 'headerMedia'> {
  const format = mediaHeaderFormat(template);
  if (!format) return {};
  const current = mapping.headerMedia;
  return {
    headerMedia: {
      format,
      link: current?.link ?? '',
      ...(format === 'DOCUMENT' && current?.filename ? { filename: current.filename } : {}),
    },
  };
}

/** One select per parameter of the template, grouped as header, body and buttons; sources in words. */
export function MappingFields({
  template,
  mapping,
  onChange,
}: {
  template: TemplateDetailView;
  mapping: TemplateMapping;
  onChange: (mapping: TemplateMapping) => void;
}) {
  const { t } = useTranslation();
  const fitted = fitMapping(mapping, template);
  const buttons = parameterButtons(template);
  const media = fitted.headerMedia ?? null;
  if (fitted.header.length + fitted.body.length + fitted.buttons.length === 0 && !media) {
    return <p className="text-xs text-slate-500">{t('automation.rule.noVariables')}</p>;
  }
  return (
    <fieldset className="space-y-3">
      <legend className="label mb-1">{t('automation.rule.mapping')}</legend>
      {media && (
        <HeaderMediaFields media={media} onChange={(next) => onChange({ ...fitted, headerMedia: next })} />
      )}
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {fitted.header.map((source, index) => (
          <SourceSelect
            key={`h${index}`}
            label={t('automation.mapping.header', { placeholder: `{{${index + 1}}}` })}
            testId={`mapping-header-${index}`}
            value={source}
            onChange={(next) =>
              onChange({ ...fitted, header: fitted.header.map((s, i) => (i === index ? next : s)) })
            }
          />
        ))}
        {fitted.body.map((source, index) => (
          <SourceSelect
            key={`b${index}`}
            label={t('automation.rule.variable', { placeholder: `{{${index + 1}}}` })}
            testId={`rule-mapping-${index}`}
            value={source}
            onChange={(next) =>
              onChange({ ...fitted, body: fitted.body.map((s, i) => (i === index ? next : s)) })
            }
          />
        ))}
        {fitted.buttons.map((button) => (
          <SourceSelect
            key={`k${button.index}`}
            label={t('automation.mapping.button', {
              text: buttons.find((item) => item.index === button.index)?.text ?? button.index + 1,
            })}
            testId={`mapping-button-${button.index}`}
            value={button.source}
            onChange={(next) =>
              onChange({
                ...fitted,
                buttons: fitted.buttons.map((item) =>
                  item.index === button.index ? { ...item, source: next } : item,
                ),
              })
            }
          />
        ))}
      </div>
    </fieldset>
  );
}

/** The https link of the header's image/video/document (and a document's file name), sent with every message. */
function HeaderMediaFields({
  media,
  onChange,
}: {
  media: NonNullable<TemplateMapping['headerMedia']>;
  onChange: (next: NonNullable<TemplateMapping['headerMedia']>) => void;
}) {
  const { t } = useTranslation();
  const linkId = useId();
  const nameId = useId();
  const invalid = media.link !== '' && !/^https:\/\/\S+$/i.test(media.link);
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <div className="min-w-0 space-y-1">
        <label htmlFor={linkId} className="text-xs font-medium text-slate-600">
          {t(`automation.mapping.headerMedia.${media.format}`)}
        </label>
        <input
          id={linkId}
          type="url"
          inputMode="url"
          data-testid="mapping-header-media"
          className="input"
          placeholder="https://"
          value={media.link}
          aria-invalid={invalid || undefined}
          onChange={(event) => onChange({ ...media, link: event.target.value.trim() })}
        />
        <p className={invalid ? 'text-xs text-red-700' : 'text-xs text-slate-500'}>
          {t(invalid ? 'automation.mapping.headerMedia.invalid' : 'automation.mapping.headerMedia.help')}
        </p>
      </div>
      {media.format === 'DOCUMENT' && (
        <div className="min-w-0 space-y-1">
          <label htmlFor={nameId} className="text-xs font-medium text-slate-600">
            {t('automation.mapping.headerMedia.filename')}
          </label>
          <input
            id={nameId}
            className="input"
            maxLength={240}
            value={media.filename ?? ''}
            onChange={(event) => onChange({ ...media, filename: event.target.value || null })}
          />
        </div>
      )}
    </div>
  );
}

function SourceSelect({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: TemplateVariableSource;
  onChange: (next: TemplateVariableSource) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      <select
        id={id}
        data-testid={testId}
        value={value}
        onChange={(event) => {
          if (isSource(event.target.value)) onChange(event.target.value);
        }}
        className="input"
      >
        {TEMPLATE_VARIABLE_SOURCES.map((source) => (
          <option key={source} value={source}>
            {t(`automation.sources.${source}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "Hola {{1}}" with the sources in words: what each placeholder will be filled with. */
export function mappedBody(
  text: string,
  body: TemplateVariableSource[],
  label: (source: string) => string,
): string {
  return text.replace(/\{\{(\d+)\}\}/g, (match, n: string) => {
    const source = body[Number(n) - 1];
    return source ? `[${label(source)}]` : match;
  });
}
