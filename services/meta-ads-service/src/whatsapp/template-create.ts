import type { CreateTemplateInput } from '@crm/contracts';
import type { TemplateComponent } from './template-parameters';

/**
 * The body of `POST /{waba-id}/message_templates` (REFERENCE §7.2) for the app's template form: positional
 * parameters, examples where the text has variables (Meta refuses variables without samples), a media header's
 * sample as `header_handle` (the Resumable Upload API's handle, `TemplateMediaService`; Meta refuses a URL there). Meta itself validates the rest and answers with `error_user_title`/`error_user_msg`.
 */
export function metaTemplateBody(input: CreateTemplateInput): {
  name: string;
  language: string;
  category: string;
  parameter_format: 'positional';
  components: TemplateComponent[];
} {
  const components: TemplateComponent[] = [];
  const { header } = input;
  if (header) {
    if (header.format === 'TEXT') {
      components.push({
        type: 'HEADER',
        format: 'TEXT',
        text: header.text,
        ...(header.example && header.example.length > 0 ? { example: { header_text: header.example } } : {}),
      });
    } else {
      components.push({
        type: 'HEADER',
        format: header.format,
        ...(header.exampleHandle ? { example: { header_handle: [header.exampleHandle] } } : {}),
      });
    }
  }
  const examples = input.body.examples ?? [];
  components.push({
    type: 'BODY',
    text: input.body.text,
    ...(examples.length > 0 ? { example: { body_text: [examples] } } : {}),
  });
  if (input.footer) components.push({ type: 'FOOTER', text: input.footer });
  if (input.buttons && input.buttons.length > 0) {
    components.push({
      type: 'BUTTONS',
      buttons: input.buttons.map((button) => {
        if (button.type === 'URL') {
          return {
            type: 'URL',
            text: button.text,
            url: button.url,
            ...(button.example && button.example.length > 0 ? { example: button.example } : {}),
          };
        }
        if (button.type === 'PHONE_NUMBER') {
          return { type: 'PHONE_NUMBER', text: button.text, phone_number: button.phoneNumber };
        }
        return { type: 'QUICK_REPLY', text: button.text };
      }),
    });
  }
  return {
    name: input.name,
    language: input.language,
    category: input.category,
    parameter_format: 'positional',
    components,
  };
}
