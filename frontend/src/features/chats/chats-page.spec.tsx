import type { ChatMessageView, ChatThread, ChatView, TemplateView } from '@crm/contracts/browser';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, json, pending, stubFetch, type StubRequest } from '../../test/fetch-stub';
import { renderWithApp, sessionUser } from '../../test/render';
import { ChatsPage } from './chats-page';

const LEAD = '00000000-0000-4000-8000-0000000000c1';
const HOUR_MS = 3600 * 1000;

function chat(overrides: Partial<ChatView> = {}): ChatView {
  return {
    leadId: LEAD,
    leadName: 'María López',
    phone: '+5215512345678',
    assignedUserId: '00000000-0000-4000-8000-0000000000a1',
    assignedUserName: 'Sergio Setter',
    lastMessageAt: '2026-11-26T16:23:00.000Z',
    lastMessagePreview: '¿Sigue disponible el departamento?',
    lastMessageDirection: 'in',
    unreadCount: 2,
    windowEndsAt: new Date(Date.now() + 4.5 * HOUR_MS).toISOString(),
    windowOpen: true,
    ...overrides,
  };
}

function message(overrides: Partial<ChatMessageView> = {}): ChatMessageView {
  return {
    id: '00000000-0000-4000-8000-0000000000e1',
    leadId: LEAD,
    direction: 'in',
    type: 'text',
    body: '¿Sigue disponible el departamento?',
    templateName: null,
    templateLanguage: null,
    templateParams: [],
    status: null,
    errorCode: null,
    errorTitle: null,
    sentByUserId: null,
    sentByName: null,
    createdAt: '2026-11-26T16:23:00.000Z',
    ...overrides,
  };
}

const OUT = { direction: 'out', sentByName: 'Sergio Setter', sentByUserId: 'u1' } as const;

function thread(overrides: Partial<ChatView> = {}, items: ChatMessageView[] = [message()]): ChatThread {
  return { chat: chat(overrides), items, olderCursor: null };
}

const TEMPLATE: TemplateView = {
  id: 't1',
  name: 'seguimiento_lead',
  language: 'es',
  status: 'APPROVED',
  category: 'UTILITY',
  bodyText: 'Hola {{1}}, soy {{2}}. ¿Seguimos?',
  parameterCount: 2,
  syncedAt: '2026-11-26T10:00:00.000Z',
};

function renderChats(path = '/chats') {
  return renderWithApp(<ChatsPage />, { path, route: '/chats', authenticated: true });
}

describe('ChatsPage', () => {
  it('shows a placeholder while the conversations load', async () => {
    stubFetch({ 'GET /crm/auth/me': sessionUser('setter'), 'GET /crm/chats': pending });
    renderChats();
    expect(await screen.findByRole('status')).toHaveTextContent('Cargando…');
  });

  it('says there are no conversations yet', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('setter'),
      'GET /crm/chats': { items: [], nextCursor: null },
    });
    renderChats();
    expect(await screen.findByText('Aún no hay conversaciones')).toBeInTheDocument();
  });

  it('shows an error with a retry, then the conversations', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('setter'),
      'GET /crm/chats': () => apiError(500, 'INTERNAL'),
    });
    const { user } = renderChats();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No pudimos cargar la información.');
    api.use({ 'GET /crm/chats': { items: [chat()], nextCursor: null } });
    await user.click(within(alert).getByRole('button', { name: 'Reintentar' }));
    expect(await screen.findByTestId('chat-list')).toBeInTheDocument();
  });

  it('lists conversations with preview, time, unread count and the window; filters by mine', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('setter'),
      'GET /crm/chats': {
        items: [
          chat(),
          chat({
            leadId: 'lead-2',
            leadName: 'Pedro Ruiz',
            unreadCount: 0,
            windowOpen: false,
            windowEndsAt: null,
            lastMessageDirection: 'out',
            lastMessagePreview: 'seguimiento_lead',
            assignedUserName: null,
          }),
        ],
        nextCursor: null,
      },
    });
    const { user } = renderChats();
    const first = await screen.findByTestId(`chat-${LEAD}`);
    expect(within(first).getByText('María López')).toBeInTheDocument();
    expect(within(first).getByText('¿Sigue disponible el departamento?')).toBeInTheDocument();
    expect(within(first).getByText('26 nov 2026, 10:23')).toBeInTheDocument();
    expect(within(first).getByLabelText('2 mensajes sin leer')).toHaveTextContent('2');
    expect(within(first).getByTestId('window-open')).toHaveTextContent('Abierta · 5 h');
    const second = screen.getByTestId('chat-lead-2');
    expect(within(second).getByTestId('window-closed')).toHaveTextContent('Ventana cerrada');
    expect(within(second).getByText('Sin asignar')).toBeInTheDocument();
    expect(within(second).queryByTestId('unread')).toBeNull();
    expect(second).toHaveTextContent('Tú: seguimiento_lead');

    await user.click(screen.getByRole('button', { name: 'Mías' }));
    await waitFor(() => expect(api.calls('GET /crm/chats').at(-1)!.query.get('filter')).toBe('mine'));
  });

  it('opens a thread: bubbles with delivery status, marks it read, and on a phone the list is hidden', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('setter'),
      'GET /crm/chats': { items: [chat()], nextCursor: null },
      'GET /crm/chats/00000000-0000-4000-8000-0000000000c1/messages': thread({}, [
        message(),
        message({ ...OUT, id: 'm2', body: 'Sí, ¿cuándo lo quieres ver?', status: 'read' }),
        message({ ...OUT, id: 'm3', body: 'Te mando la ubicación', status: 'delivered' }),
        message({ ...OUT, id: 'm4', body: 'Hola', status: 'failed', errorCode: 131026 }),
        message({ ...OUT, id: 'm5', body: '¿Sigues ahí?', status: 'unknown' }),
        message({ ...OUT, id: 'm6', body: 'Gracias', status: 'sent' }),
      ]),
      'POST /crm/chats/00000000-0000-4000-8000-0000000000c1/read': chat({ unreadCount: 0 }),
    });
    const { user } = renderChats();
    await user.click(await screen.findByTestId(`chat-${LEAD}`));
    const messages = await screen.findByTestId('messages');
    expect(within(messages).getByText('¿Sigue disponible el departamento?')).toBeInTheDocument();
    const status = (id: string) => within(screen.getByTestId(`message-${id}`)).getByTestId('delivery-status');
    expect(status('m2')).toHaveTextContent('Leído');
    expect(status('m3')).toHaveTextContent('Entregado');
    expect(status('m4')).toHaveTextContent('No se entregó');
    expect(status('m5')).toHaveTextContent('Estado desconocido');
    expect(status('m6')).toHaveTextContent('Enviado');
    expect(screen.getByTestId('message-m4')).toHaveTextContent('WhatsApp no pudo entregar este mensaje.');
    expect(screen.getByTestId('window-notice')).toHaveTextContent('La ventana de 24 h cierra en 5 h.');
    await waitFor(() =>
      expect(api.calls('POST /crm/chats/00000000-0000-4000-8000-0000000000c1/read')).toHaveLength(1),
    );

    // Phone layout: the list is its own view, hidden while a thread is open; "back" returns to it.
    expect(screen.getByTestId('chat-list').parentElement).toHaveClass('hidden');
    await user.click(screen.getByRole('button', { name: 'Volver a las conversaciones' }));
    expect(screen.getByTestId('chat-list').parentElement).not.toHaveClass('hidden');
    expect(screen.getByText('Elige una conversación para leerla y responder.')).toBeInTheDocument();
  });

  it('sends a reply inside the window, and a retry after an error reuses the same message id', async () => {
    let attempts = 0;
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('setter'),
      'GET /crm/chats': { items: [chat({ unreadCount: 0 })], nextCursor: null },
      'GET /crm/chats/00000000-0000-4000-8000-0000000000c1/messages': thread({ unreadCount: 0 }),
      'POST /crm/chats/00000000-0000-4000-8000-0000000000c1/messages': (request: StubRequest) => {
        attempts += 1;
        if (attempts === 1) return apiError(504, 'UPSTREAM_TIMEOUT');
        const body = request.body as { messageId: string; text: string };
        return json(message({ ...OUT, id: body.messageId, body: body.text, status: 'queued' }), 201);
      },
    });
    const { user } = renderChats(`/chats?lead=${LEAD}`);
    const box = await screen.findByRole('textbox', { name: 'Mensaje' });
    await user.type(box, 'Hola María, ¿mañana a las 10?');
    await user.click(screen.getByRole('button', { name: 'Enviar' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('No se pudo enviar el mensaje.');
    await user.click(screen.getByRole('button', { name: 'Enviar' }));
    await waitFor(() => expect(box).toHaveValue(''));
    const sends = api.calls('POST /crm/chats/00000000-0000-4000-8000-0000000000c1/messages');
    expect(sends).toHaveLength(2);
    const [first, second] = sends.map((s) => s.body as { messageId: string; text: string });
    expect(first).toEqual({
      messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      text: 'Hola María, ¿mañana a las 10?',
    });
    expect(second!.messageId).toBe(first!.messageId);
  });

  it('outside the window offers only approved templates with their variables, and sends one', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('closer'),
      'GET /crm/chats': { items: [], nextCursor: null },
      'GET /crm/chats/00000000-0000-4000-8000-0000000000c1/messages': thread({
        unreadCount: 0,
        windowOpen: false,
        windowEndsAt: new Date(Date.now() - HOUR_MS).toISOString(),
      }),
      'GET /crm/chats/templates': [TEMPLATE],
      'POST /crm/chats/00000000-0000-4000-8000-0000000000c1/messages': (request: StubRequest) =>
        json(
          message({ ...OUT, id: (request.body as { messageId: string }).messageId, type: 'template' }),
          201,
        ),
    });
    const { user } = renderChats(`/chats?lead=${LEAD}`);
    expect(await screen.findByTestId('window-notice')).toHaveTextContent('La ventana de 24 h está cerrada');
    expect(screen.queryByRole('textbox', { name: 'Mensaje' })).toBeNull();
    const send = screen.getByRole('button', { name: 'Enviar plantilla' });
    expect(send).toBeDisabled();
    await user.selectOptions(await screen.findByLabelText('Plantilla'), 'seguimiento_lead|es');
    await user.type(screen.getByLabelText('Variable 1'), 'María');
    expect(screen.getByTestId('template-preview')).toHaveTextContent('Hola María, soy {{2}}. ¿Seguimos?');
    expect(send).toBeDisabled();
    await user.type(screen.getByLabelText('Variable 2'), 'Sergio');
    await user.click(send);
    await waitFor(() =>
      expect(api.calls('POST /crm/chats/00000000-0000-4000-8000-0000000000c1/messages')).toHaveLength(1),
    );
    expect(api.calls('POST /crm/chats/00000000-0000-4000-8000-0000000000c1/messages')[0]!.body).toMatchObject(
      {
        template: { name: 'seguimiento_lead', language: 'es', parameters: ['María', 'Sergio'] },
      },
    );
  });

  it('explains a 409 when the window closed while typing', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('setter'),
      'GET /crm/chats': { items: [], nextCursor: null },
      'GET /crm/chats/00000000-0000-4000-8000-0000000000c1/messages': thread({ unreadCount: 0 }),
      'POST /crm/chats/00000000-0000-4000-8000-0000000000c1/messages': () =>
        json(
          { statusCode: 409, code: 'CONFLICT', message: 'closed', details: { reason: 'WINDOW_CLOSED' } },
          409,
        ),
    });
    const { user } = renderChats(`/chats?lead=${LEAD}`);
    await user.type(await screen.findByRole('textbox', { name: 'Mensaje' }), 'Hola');
    await user.click(screen.getByRole('button', { name: 'Enviar' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'La ventana de 24 h se cerró: envía una plantilla aprobada.',
    );
  });

  it('lets the ceo give the conversation to another seller through the lead', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/chats': { items: [], nextCursor: null },
      'GET /crm/chats/00000000-0000-4000-8000-0000000000c1/messages': thread({ unreadCount: 0 }),
      'GET /crm/users': [
        {
          id: '00000000-0000-4000-8000-0000000000a1',
          name: 'Sergio Setter',
          email: 's@x.test',
          role: 'setter',
          active: true,
          createdAt: '2026-01-01T00:00:00Z',
        },
        {
          id: '00000000-0000-4000-8000-0000000000a2',
          name: 'Carla Closer',
          email: 'c@x.test',
          role: 'closer',
          active: true,
          createdAt: '2026-01-01T00:00:00Z',
        },
        {
          id: '00000000-0000-4000-8000-0000000000a3',
          name: 'Baja Inactiva',
          email: 'b@x.test',
          role: 'setter',
          active: false,
          createdAt: '2026-01-01T00:00:00Z',
        },
      ],
      'PATCH /crm/leads/00000000-0000-4000-8000-0000000000c1': {},
    });
    const { user } = renderChats(`/chats?lead=${LEAD}`);
    const seller = await screen.findByLabelText('Vendedor');
    expect(seller).toHaveValue('00000000-0000-4000-8000-0000000000a1');
    expect(within(seller).queryByText('Baja Inactiva')).toBeNull();
    await user.selectOptions(seller, '00000000-0000-4000-8000-0000000000a2');
    await waitFor(() =>
      expect(api.calls('PATCH /crm/leads/00000000-0000-4000-8000-0000000000c1')[0]?.body).toEqual({
        assignedUserId: '00000000-0000-4000-8000-0000000000a2',
      }),
    );
  });

  it('does not offer reassignment to a setter', async () => {
    stubFetch({
      'GET /crm/auth/me': sessionUser('setter'),
      'GET /crm/chats': { items: [], nextCursor: null },
      'GET /crm/chats/00000000-0000-4000-8000-0000000000c1/messages': thread({ unreadCount: 0 }),
    });
    renderChats(`/chats?lead=${LEAD}`);
    await screen.findByTestId('messages');
    expect(screen.queryByLabelText('Vendedor')).toBeNull();
  });

  it('loads earlier messages above the latest ones, and more conversations below', async () => {
    const api = stubFetch({
      'GET /crm/auth/me': sessionUser('ceo'),
      'GET /crm/users': [],
      'GET /crm/chats': (request: StubRequest) =>
        json(
          request.query.get('cursor') === 'next-page'
            ? {
                items: [chat({ leadId: 'lead-9', leadName: 'Zoe Antigua', unreadCount: 0 })],
                nextCursor: null,
              }
            : { items: [chat({ unreadCount: 0 })], nextCursor: 'next-page' },
        ),
      'GET /crm/chats/00000000-0000-4000-8000-0000000000c1/messages': (request: StubRequest) =>
        json(
          request.query.get('before') === 'older-page'
            ? {
                ...thread({ unreadCount: 0 }, [message({ id: 'm0', body: 'Mensaje viejo' })]),
                olderCursor: null,
              }
            : {
                ...thread({ unreadCount: 0 }, [message({ id: 'm1', body: 'Mensaje nuevo' })]),
                olderCursor: 'older-page',
              },
        ),
    });
    const { user } = renderChats(`/chats?lead=${LEAD}`);
    await user.click(await screen.findByRole('button', { name: 'Ver mensajes anteriores' }));
    await screen.findByText('Mensaje viejo');
    expect(
      within(screen.getByTestId('messages'))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([expect.stringContaining('Mensaje viejo'), expect.stringContaining('Mensaje nuevo')]);
    expect(screen.queryByRole('button', { name: 'Ver mensajes anteriores' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Ver más conversaciones' }));
    expect(await screen.findByText('Zoe Antigua')).toBeInTheDocument();
    expect(api.calls('GET /crm/chats').some((call) => call.query.get('cursor') === 'next-page')).toBe(true);
  });
});
