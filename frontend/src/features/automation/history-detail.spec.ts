import { sendHistory } from '@crm/contracts/browser';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { formattersFor } from '../../lib/format';
import { describeHistoryDetail, parseHistoryDetail } from './history-detail';

/*
 * Every line automation-service writes, built with the shared writers of libs/contracts/src/model/send-history.ts
 * (`sendHistory`, the ones the service calls) or, for the three it writes in SQL (send-store.ts: `beginRequest`,
 * `retimeScheduled`, `sweepExpiredLeases`), as that SQL builds them.
 */
const MX = 'America/Mexico_City';
const es = () => formattersFor('es-MX', MX);
const text = (line: string) => describeHistoryDetail(line, i18next.t, es());
const DUE = new Date('2026-11-26T16:23:00.000Z');
const WINDOW = { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '20:00' };

describe('describeHistoryDetail (es-MX, tenant in Mexico City)', () => {
  it('scheduling: trigger, manual, resend, a rule’s new timing', () => {
    expect(text(sendHistory.scheduled('lead.created', DUE))).toBe(
      `Programado (Cuando entra un lead nuevo) para el ${es().dateTime(DUE.toISOString())}`,
    );
    expect(text(sendHistory.scheduled('lead.created', DUE))).toContain('26 nov 2026');
    expect(text(sendHistory.scheduled('no_reply', DUE))).toContain(
      '(Cuando el contacto no responde a nuestro último mensaje)',
    );
    expect(text('lead created; follow-up due 2026-11-26T16:23:00.000Z')).toContain(
      'Cuando entra un lead nuevo',
    );
    expect(text(sendHistory.manual())).toBe('Enviado a mano desde el CRM');
    expect(text(sendHistory.manualResend('0f1e2d3c-0000-4000-8000-000000000001'))).toBe(
      'Enviado a mano otra vez: no se supo si el envío anterior salió',
    );
    // SQL: 'rule timing changed; due ' || to_char(due_at …) (send-store retimeScheduled).
    expect(text('rule timing changed; due 2026-11-27T15:00:00.000Z')).toBe(
      `La regla cambió su tiempo de espera; ahora sale el ${es().dateTime('2026-11-27T15:00:00.000Z')}`,
    );
  });

  it('send window: a deferral to the next opening, in the tenant’s time, and a window that never opens', () => {
    // 09:07 in Bogotá is 08:07 in Mexico City.
    const deferred = text(sendHistory.deferred('Mon 2026-11-30 09:07', 'America/Bogota', WINDOW));
    expect(deferred).toBe(
      `Se movió al ${es().dateTime('2026-11-30T14:07:00.000Z')} (hora del contacto: America/Bogota): ` +
        'fuera del horario de envío (Lun, Mar, Mié, Jue, Vie, Sáb, de 09:00 a 20:00)',
    );
    expect(deferred).toContain('8:07');
    expect(
      text(sendHistory.deferred('Fri 2026-12-04 22:00', MX, { days: [5], start: '22:00', end: '06:00' })),
    ).toContain('(Vie, de 22:00 a 06:00 (cruza la medianoche))');
    expect(text(sendHistory.windowNeverOpens({ ...WINDOW, days: [] }, MX))).toBe(
      'El horario de envío (sin días, de 09:00 a 20:00, America/Mexico_City) no tiene ningún día: nunca abre',
    );
  });

  it('limits and pauses', () => {
    expect(text(sendHistory.ruleLimit({ max: 2, days: 30 }, 2))).toBe(
      'Límite de la regla: el contacto ya recibió 2 mensajes de esta regla en los últimos 30 días (máximo 2)',
    );
    expect(text(sendHistory.ruleLimit({ max: 1, days: null }, 1))).toBe(
      'Límite de la regla: el contacto ya recibió 1 mensaje de esta regla (máximo 1)',
    );
    expect(text(sendHistory.frequencyCap(1, 24, 1))).toBe(
      'Tope de frecuencia: el contacto ya recibió 1 plantilla de marketing en las últimas 24 h (máximo 1)',
    );
    expect(text(sendHistory.rulePaused('Meta paused the template promo (es_MX)'))).toBe(
      'La regla está pausada: Meta paused the template promo (es_MX)',
    );
    expect(text(sendHistory.paused('META_TOKEN_EXPIRED'))).toBe(
      'Envíos en pausa hasta que la conexión con Meta vuelva a funcionar',
    );
  });

  it('sending, outcomes and retries', () => {
    // SQL: 'attempt ' || attempts (send-store beginRequest).
    expect(text('attempt 2')).toBe('Intento 2 de envío');
    expect(text(sendHistory.accepted(false))).toBe('WhatsApp aceptó el mensaje');
    expect(text(sendHistory.accepted(true))).toBe(
      'WhatsApp aceptó el mensaje como texto libre (el contacto escribió hace poco)',
    );
    expect(text(sendHistory.reconciledAccepted())).toBe('Verificado después: WhatsApp sí aceptó el mensaje');
    // SQL: the expired-lease sweep.
    expect(text('lease expired before sending; rescheduled')).toBe(
      'El envío se interrumpió antes de salir; se volvió a programar',
    );
    expect(text('lease expired while sending; outcome unknown, not re-sent')).toBe(
      'El envío se interrumpió mientras salía; no se sabe si llegó y no se reenvía',
    );
    expect(text(sendHistory.reconciledNotReached())).toBe(
      'Verificado después: el mensaje nunca llegó a WhatsApp; se volvió a programar',
    );
    expect(text(sendHistory.reconciledNotSent('META_UNAVAILABLE', 'down'))).toBe(
      'Verificado después: no se envió (META_UNAVAILABLE: down); se volvió a programar',
    );
    expect(text(sendHistory.reconciledRejected('(#132001) Template name does not exist'))).toBe(
      'Verificado después: WhatsApp rechazó el mensaje ((#132001) Template name does not exist)',
    );
    expect(text(sendHistory.outcomeUnknown('UPSTREAM_TIMEOUT', 'no answer'))).toBe(
      'No se sabe si el mensaje salió (UPSTREAM_TIMEOUT: no answer); no se reenvía, se espera el estado de WhatsApp',
    );
    expect(text('outcome unknown; not retried to avoid a duplicate message')).toBe(
      'No se sabe si el mensaje salió; no se reintenta para no enviarlo dos veces',
    );
    expect(text(sendHistory.outcomeExpired())).toBe(
      'WhatsApp nunca informó de este mensaje; no se reenvía solo (envíalo a mano si hace falta)',
    );
    expect(text(sendHistory.retry('META_UNAVAILABLE', 'Meta is down', DUE))).toBe(
      `Falló (Meta is down); se reintentará el ${es().dateTime(DUE.toISOString())}`,
    );
    expect(text(sendHistory.failed('UPSTREAM_TIMEOUT', 'no answer', 5))).toBe(
      'Se dejó de intentar tras 5 intentos: no answer',
    );
    expect(text(sendHistory.failed('META_REJECTED', 'bad template'))).toBe('Error: bad template');
    expect(text(sendHistory.whatsapp('delivered'))).toBe('Confirmado por WhatsApp');
    expect(text(sendHistory.whatsapp('Message undeliverable'))).toBe(
      'WhatsApp informó: Message undeliverable',
    );
    expect(text(sendHistory.replied())).toBe('El contacto respondió');
  });

  it('cancellations and skips: why, and what changed', () => {
    expect(text('rule deleted')).toBe('La regla se eliminó');
    expect(text('contact opted out')).toBe('El contacto pidió no recibir mensajes');
    expect(text('a newer message was sent')).toBe('Se envió un mensaje más reciente');
    expect(text('lead has no phone number')).toBe('El lead no tiene teléfono');
    expect(
      text(sendHistory.cancelled(sendHistory.leadStatusIs('contacted'), sendHistory.leadMoved('contacted'))),
    ).toBe('El lead está en otro estado («contacted») (el lead pasó a «contacted»)');
    expect(
      text(sendHistory.cancelled(sendHistory.opportunityIs('won'), sendHistory.opportunityClosed(true))),
    ).toBe('La oportunidad ya no está pendiente (Ganada) (la oportunidad se ganó)');
    expect(
      text(
        sendHistory.cancelled(
          sendHistory.valueAbove(1500.5, 1000),
          sendHistory.opportunityChanged(['value']),
        ),
      ),
    ).toBe('El valor de la oportunidad (1,500.5) es mayor que el máximo (1,000) (la oportunidad cambió)');
    const moved = '2026-12-01T18:00:00.000Z';
    expect(
      text(sendHistory.cancelled(sendHistory.deadlineMoved(moved), sendHistory.deadlineMoved(moved))),
    ).toBe(
      `La fecha límite cambió al ${es().dateTime(moved)} (la fecha límite cambió al ${es().dateTime(moved)})`,
    );
    expect(text(sendHistory.cancelled('deadline removed', sendHistory.deadlineMoved(null)))).toBe(
      'Se quitó la fecha límite (se quitó la fecha límite)',
    );
  });

  it('in English too', async () => {
    await i18next.changeLanguage('en');
    const en = formattersFor('en-US', MX);
    expect(describeHistoryDetail(sendHistory.ruleLimit({ max: 3, days: 7 }, 3), i18next.t, en)).toBe(
      'Rule limit: the contact already got 3 messages of this rule in the last 7 days (at most 3)',
    );
    expect(describeHistoryDetail('rule timing changed; due 2026-11-27T15:00:00.000Z', i18next.t, en)).toBe(
      `The rule's wait changed; it now goes out on ${en.dateTime('2026-11-27T15:00:00.000Z')}`,
    );
  });

  it('shows a line it does not know as it came', () => {
    expect(parseHistoryDetail('something new')).toEqual({ kind: 'other', text: 'something new' });
    expect(text('something new')).toBe('something new');
  });
});
