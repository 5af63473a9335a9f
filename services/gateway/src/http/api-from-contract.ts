import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

type Documented = Record<string, unknown>;
type Extra = Pick<ApiPropertyOptions, 'example' | 'description' | 'default'>;
type ValidationMetadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

/** What one class-validator rule says about a property, in OpenAPI terms. */
function describeRule(rule: ValidationMetadata, into: Documented): void {
  const [first, second] = (rule.constraints ?? []) as unknown[];
  switch (rule.name) {
    case 'isIn':
      into.enum = first;
      break;
    case 'isUuid':
      Object.assign(into, { type: 'string', format: 'uuid' });
      break;
    case 'isEmail':
      Object.assign(into, { type: 'string', format: 'email' });
      break;
    case 'isIso8601':
      Object.assign(into, { type: 'string', format: 'date-time' });
      break;
    case 'isCalendarDate':
      Object.assign(into, { type: 'string', format: 'date' });
      break;
    case 'matches':
      Object.assign(into, { type: 'string', pattern: (first as RegExp).source });
      break;
    case 'isString':
      into.type = 'string';
      break;
    case 'isLength':
      Object.assign(into, { type: 'string', minLength: first, maxLength: second });
      break;
    case 'minLength':
      into.minLength = first;
      break;
    case 'maxLength':
      into.maxLength = first;
      break;
    case 'isInt':
      into.type = 'integer';
      break;
    case 'min':
      into.minimum = first;
      break;
    case 'max':
      into.maximum = first;
      break;
    case 'isBoolean':
      into.type = 'boolean';
      break;
  }
}

/**
 * Documents in OpenAPI every property a gateway DTO validates, read from the class-validator rules it inherits from
 * its contract class (`OmitType(ContractRequest, ['tenantId'])`), so the rules are written once, in the contract.
 * `extra` adds examples and descriptions per property.
 */
export function ApiFromContract(extra: Record<string, Extra> = {}): ClassDecorator {
  return (target) => {
    const rules = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const rule of rules) {
      byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
    }
    for (const [property, propertyRules] of byProperty) {
      const item: Documented = {};
      const options: Documented = {
        required: !propertyRules.some((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION),
      };
      for (const rule of propertyRules) {
        if (rule.name === 'isArray') options.isArray = true;
        else if (rule.name === 'arrayMaxSize') options.maxItems = rule.constraints[0];
        else describeRule(rule, rule.each ? item : options);
      }
      if (options.isArray) Object.assign(options, item, { type: item.type ?? 'string' });
      ApiProperty({ ...options, ...extra[property] } as ApiPropertyOptions)(target.prototype, property);
    }
  };
}
