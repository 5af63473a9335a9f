import { DomainError } from '@crm/contracts';
import { checkMapping, defaultFieldFor, mapAnswers, type FormQuestion } from '../form-mapping';

const questions: FormQuestion[] = [
  { key: 'full_name', label: 'Nombre completo', type: 'FULL_NAME' },
  { key: 'email', label: 'Correo electrónico', type: 'EMAIL' },
  { key: 'phone_number', label: 'Número de teléfono', type: 'PHONE' },
  { key: 'city', label: 'Ciudad', type: 'CITY' },
  { key: 'presupuesto_de_compra', label: '¿Cuál es tu presupuesto?', type: 'CUSTOM' },
];

const answers = (pairs: Record<string, string | string[]>) =>
  Object.entries(pairs).map(([name, value]) => ({ name, values: Array.isArray(value) ? value : [value] }));

describe('Lead Ads form mapping', () => {
  it('defaults: standard keys and types to their field, custom questions to the notes', () => {
    expect(questions.map(defaultFieldFor)).toEqual(['full_name', 'email', 'phone', 'city', 'notes']);
    expect(defaultFieldFor({ key: 'nombre_tokenizado_123', type: 'FIRST_NAME' })).toBe('first_name');
    expect(defaultFieldFor({ key: 'selected_dealer', type: 'CUSTOM' })).toBe('notes');
  });

  it('maps answers by default: E.164 phone, lower-case email, city and custom answers as labelled note lines', () => {
    expect(
      mapAnswers(
        answers({
          full_name: ' Ana López ',
          email: 'Ana@Example.COM',
          phone_number: '+52 55 1234 5678',
          city: 'Querétaro',
          presupuesto_de_compra: '2 millones',
        }),
        questions,
        null,
      ),
    ).toEqual({
      fullName: 'Ana López',
      email: 'ana@example.com',
      phone: '+525512345678',
      notes: 'Ciudad: Querétaro\n¿Cuál es tu presupuesto?: 2 millones',
    });
  });

  it('follows an edited mapping: a custom answer as a tag, the city ignored, first + last name joined', () => {
    const form: FormQuestion[] = [
      { key: 'nombre', label: 'Nombre', type: 'CUSTOM' },
      { key: 'apellido', label: 'Apellido', type: 'CUSTOM' },
      ...questions.slice(1),
    ];
    const mapping = checkMapping(form, {
      nombre: 'first_name',
      apellido: 'last_name',
      city: 'ignore',
      presupuesto_de_compra: 'tag',
    });
    expect(
      mapAnswers(
        answers({
          nombre: 'Ana',
          apellido: 'López',
          email: 'a@b.mx',
          city: 'CDMX',
          presupuesto_de_compra: 'Alto',
        }),
        form,
        mapping,
      ),
    ).toEqual({ fullName: 'Ana López', email: 'a@b.mx', tags: ['Alto'] });
  });

  it("maps a form not synced yet by Meta's standard keys; the phone only when it can be brought to E.164", () => {
    expect(
      mapAnswers(
        answers({ full_name: 'Joe Example', email: 'Joe@Example.com', phone_number: '+52 55 1234 5678' }),
        [],
        null,
      ),
    ).toEqual({ fullName: 'Joe Example', email: 'joe@example.com', phone: '+525512345678' });
    expect(
      mapAnswers(answers({ phone_number: '5512345678', first_name: 'Ana', last_name: 'Ruiz' }), [], null),
    ).toEqual({ fullName: 'Ana Ruiz' });
    expect(
      mapAnswers([null, { name: 'email', values: 'x' }, { name: 'full_name', values: ['Ana'] }], [], null),
    ).toEqual({
      fullName: 'Ana',
    });
  });

  it('a lead with only an email, or answers of questions the form no longer has, still maps', () => {
    expect(mapAnswers(answers({ email: 'solo@correo.mx', extra: 'sí' }), questions, null)).toEqual({
      email: 'solo@correo.mx',
      notes: 'extra: sí',
    });
    expect(
      mapAnswers([null, 7, { name: 'email' }, { name: 'email', values: ['', '  '] }], questions, null),
    ).toEqual({});
  });

  it('refuses a mapping naming an unknown question, an unknown field, or two questions for one phone', () => {
    const problem = (mapping: Record<string, unknown>) => {
      try {
        checkMapping(questions, mapping);
        return undefined;
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        return (error as DomainError).message;
      }
    };
    expect(problem({ nope: 'notes' })).toBe('mapping.nope: the form has no such question');
    expect(problem({ city: 'address' })).toMatch(/^mapping\.city must be one of full_name, /);
    expect(problem({ presupuesto_de_compra: 'phone' })).toBe(
      'mapping: questions phone_number and presupuesto_de_compra both go to phone; choose one',
    );
    expect(problem({ presupuesto_de_compra: 'phone', phone_number: 'notes' })).toBeUndefined();
  });
});
