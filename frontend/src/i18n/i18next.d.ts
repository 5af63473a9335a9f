import type es from '../locales/es.json';

// Module augmentation has to be an interface: it makes every `t('key')` call checked against the Spanish file.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof es };
  }
}
