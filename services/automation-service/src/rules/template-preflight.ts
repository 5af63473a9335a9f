import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  MEDIA_HEADER_FORMATS,
  Rpc,
  type AutomationRuleView,
  type HeaderMedia,
  type TemplateDetailView,
  type TemplateView,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';

/**
 * What the pre-flight check knows of a template. From `meta.templates.details` every count is known; from the
 * older `meta.templates.list` (fallback while meta-ads-service does not serve details) only the body's, and
 * `headerParameterCount`/`buttonParameterCounts` are null (not checked).
 */
export type TemplateFacts = Pick<
  TemplateView,
  'name' | 'language' | 'status' | 'bodyText' | 'parameterCount'
> & {
  /** The HEADER's format; null when the template has none or when only the list was available (not checked). */
  headerFormat: TemplateDetailView['headerFormat'];
  headerText: string | null;
  headerParameterCount: number | null;
  /** Parameters of each button, by index. */
  buttonParameterCounts: number[] | null;
};

export function factsOfDetail(detail: TemplateDetailView): TemplateFacts {
  return {
    name: detail.name,
    language: detail.language,
    status: detail.status,
    bodyText: detail.bodyText,
    parameterCount: detail.parameterCount,
    headerFormat: detail.headerFormat,
    headerText: detail.headerText,
    headerParameterCount: detail.headerParameterCount,
    buttonParameterCounts: detail.buttons.map((b) => b.parameterCount),
  };
}

export function factsOfListed(template: TemplateView): TemplateFacts {
  return {
    ...template,
    headerFormat: null,
    headerText: null,
    headerParameterCount: null,
    buttonParameterCounts: null,
  };
}

/**
 * Why the rule's mapping does not fit its template (null when it fits): the template must be APPROVED and the header,
 * body and button mappings must give exactly as many parameters as the template has placeholders.
 */
export function mappingMisfit(
  rule: Pick<AutomationRuleView, 'mapping' | 'templateName' | 'templateLanguage'>,
  template: TemplateFacts,
): { message: string; details: Record<string, unknown> } | null {
  const label = `${rule.templateName} (${rule.templateLanguage})`;
  if (template.status !== 'APPROVED') {
    return {
      message: `template ${label} is ${template.status}, only APPROVED templates can be sent`,
      details: { field: 'templateName', templateStatus: template.status, reason: 'template_not_approved' },
    };
  }
  const { mapping } = rule;
  const mediaMisfit = headerMediaMisfit(label, mapping.headerMedia ?? null, template);
  if (mediaMisfit) return mediaMisfit;
  if (template.headerParameterCount !== null && template.headerParameterCount !== mapping.header.length) {
    return {
      message: `template ${label} has ${template.headerParameterCount} header variable(s) but the mapping has ${mapping.header.length}`,
      details: { field: 'mapping.header', headerParameterCount: template.headerParameterCount },
    };
  }
  if (template.parameterCount !== mapping.body.length) {
    return {
      message: `template ${label} has ${template.parameterCount} variable(s) but the mapping has ${mapping.body.length}`,
      details: { field: 'variableMapping', parameterCount: template.parameterCount },
    };
  }
  if (template.buttonParameterCounts !== null) {
    const counts = template.buttonParameterCounts;
    for (const [index, count] of counts.entries()) {
      const mapped = mapping.buttons.filter((b) => b.index === index).length;
      if (mapped !== count) {
        return {
          message: `template ${label}: button ${index} has ${count} variable(s) but the mapping has ${mapped}`,
          details: { field: 'mapping.buttons', button: index, parameterCount: count },
        };
      }
    }
    const unknown = mapping.buttons.find((b) => b.index >= counts.length);
    if (unknown) {
      return {
        message: `template ${label} has no button ${unknown.index}`,
        details: { field: 'mapping.buttons', button: unknown.index },
      };
    }
  }
  return null;
}

/**
 * A template with an IMAGE/VIDEO/DOCUMENT header is sent with that media on every send (Meta answers 132012 without
 * it): the rule must give a link of the same format, and only such a template takes one.
 */
function headerMediaMisfit(
  label: string,
  media: HeaderMedia | null,
  template: TemplateFacts,
): { message: string; details: Record<string, unknown> } | null {
  const format = template.headerFormat;
  const isMedia = format !== null && (MEDIA_HEADER_FORMATS as readonly string[]).includes(format);
  if (isMedia && !media) {
    return {
      message: `the header of template ${label} is ${format}: give the https link of the media to send with it`,
      details: { field: 'mapping.headerMedia', headerFormat: format, reason: 'header_media_missing' },
    };
  }
  if (isMedia && media && media.format !== format) {
    return {
      message: `the header of template ${label} is ${format}, not ${media.format}`,
      details: { field: 'mapping.headerMedia', headerFormat: format, reason: 'header_media_format' },
    };
  }
  if (!isMedia && media && format !== null) {
    return {
      message: `template ${label} has no media header: remove the header media`,
      details: { field: 'mapping.headerMedia', headerFormat: format, reason: 'header_media_unexpected' },
    };
  }
  return null;
}

/** Looks templates up in meta-ads-service (details when it serves them, else the list) and checks a rule against one. */
@Injectable()
export class TemplatePreflight {
  private readonly logger = new Logger(TemplatePreflight.name);

  constructor(private readonly rpc: RpcClient) {}

  /** The template of the rule (a fresh sync when it is not in the last one), or null when it does not exist. */
  async find(tenantId: string, name: string, language: string): Promise<TemplateFacts | null> {
    const pick = <T extends { name: string; language: string; status: string }>(list: T[]): T | undefined => {
      const matches = list.filter((t) => t.name === name && t.language === language);
      // Several rows of one name+language can only differ by status: prefer an approved one.
      return matches.find((t) => t.status === 'APPROVED') ?? matches[0];
    };
    try {
      let detail = pick(await this.details(tenantId, false));
      if (!detail) detail = pick(await this.details(tenantId, true));
      return detail ? factsOfDetail(detail) : null;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'UPSTREAM_TIMEOUT')) throw error;
      this.logger.debug(
        'meta.templates.details unavailable; checking the body count from meta.templates.list',
      );
    }
    let listed = pick(await this.listed(tenantId, false));
    if (!listed) listed = pick(await this.listed(tenantId, true));
    return listed ? factsOfListed(listed) : null;
  }

  /** Throws VALIDATION unless the rule's template exists, is APPROVED and its mapping fits. */
  async assertFits(tenantId: string, rule: AutomationRuleView): Promise<TemplateFacts> {
    if (!rule.templateName || !rule.templateLanguage) {
      throw new DomainError('VALIDATION', 'choose a template and its language before enabling the rule', {
        field: 'templateName',
      });
    }
    const template = await this.find(tenantId, rule.templateName, rule.templateLanguage);
    if (!template) {
      throw new DomainError(
        'VALIDATION',
        `template ${rule.templateName} (${rule.templateLanguage}) does not exist in your WhatsApp account`,
        { field: 'templateName' },
      );
    }
    const misfit = mappingMisfit(rule, template);
    if (misfit) throw new DomainError('VALIDATION', misfit.message, misfit.details);
    return template;
  }

  private details(tenantId: string, refresh: boolean): Promise<TemplateDetailView[]> {
    return this.rpc.call(Rpc.meta.templateDetails, { tenantId, refresh }, 5_000).catch(notConnected);
  }

  private listed(tenantId: string, refresh: boolean): Promise<TemplateView[]> {
    return this.rpc.call(Rpc.meta.listTemplates, { tenantId, refresh }).catch(notConnected);
  }
}

function notConnected(error: unknown): never {
  if (error instanceof DomainError && error.code === 'META_NOT_CONNECTED') {
    throw new DomainError('VALIDATION', 'connect WhatsApp first: the rule needs a connected WhatsApp number');
  }
  throw error;
}
