import { MAX_OPT_OUT_PHRASE_LENGTH, MAX_OPT_OUT_PHRASES, type TenantView } from '@crm/contracts/browser';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PhraseListField, phrasesOf } from '../../components/form-field';
import { Notice } from '../../components/notice';
import { useUpdateTenant } from './settings-api';
import { SaveRow, SettingsCard } from './settings-form';

/**
 * Which replies opt a contact out of marketing messages: whole-message keywords (case and accents do not matter)
 * and the labels of quick-reply buttons (e.g. Meta's "Stop promotions").
 */
export function OptOutSection({ tenant }: { tenant: TenantView }) {
  const { t } = useTranslation();
  const update = useUpdateTenant();
  const [keywords, setKeywords] = useState((tenant.optOutKeywords ?? []).join('\n'));
  const [buttons, setButtons] = useState((tenant.optOutButtonTexts ?? []).join('\n'));
  const lists = { keywords: phrasesOf(keywords), buttons: phrasesOf(buttons) };
  const tooMany = lists.keywords.length > MAX_OPT_OUT_PHRASES || lists.buttons.length > MAX_OPT_OUT_PHRASES;
  const tooLong = [...lists.keywords, ...lists.buttons].some((p) => p.length > MAX_OPT_OUT_PHRASE_LENGTH);
  const invalid = tooMany || tooLong;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (invalid) return;
    update.mutate(
      { optOutKeywords: lists.keywords, optOutButtonTexts: lists.buttons },
      {
        onSuccess: (saved) => {
          setKeywords((saved.optOutKeywords ?? []).join('\n'));
          setButtons((saved.optOutButtonTexts ?? []).join('\n'));
        },
      },
    );
  };

  return (
    <SettingsCard
      title={t('settings.optOut.title')}
      description={t('settings.optOut.description')}
      testId="opt-out-settings"
    >
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" data-testid="opt-out-form">
        <PhraseListField
          label={t('settings.optOut.keywords')}
          hint={t('settings.optOut.keywordsHint')}
          testId="opt-out-keywords"
          value={keywords}
          onChange={setKeywords}
        />
        <PhraseListField
          label={t('settings.optOut.buttons')}
          hint={t('settings.optOut.buttonsHint')}
          testId="opt-out-buttons"
          value={buttons}
          onChange={setButtons}
        />
        {invalid ? (
          <div className="sm:col-span-2">
            <Notice tone="danger" testId="opt-out-invalid">
              {t('settings.optOut.invalid', { max: MAX_OPT_OUT_PHRASES, length: MAX_OPT_OUT_PHRASE_LENGTH })}
            </Notice>
          </div>
        ) : null}
        {lists.keywords.length === 0 && !invalid ? (
          <div className="sm:col-span-2">
            <Notice tone="warning" testId="opt-out-no-keywords">
              {t('settings.optOut.noKeywords')}
            </Notice>
          </div>
        ) : null}
        <SaveRow save={update} testId="opt-out" savedText={t('settings.optOut.saved')} disabled={invalid} />
      </form>
    </SettingsCard>
  );
}
