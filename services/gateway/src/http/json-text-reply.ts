import { Header } from '@nestjs/common';

/**
 * A route that answers a service's `JsonText<T>`: the text is the body as it is (Nest sends a string with
 * `res.send`), so the gateway never parses and re-serialises it. Only the header says it is JSON; an error still
 * goes through `HttpErrorFilter`, which sets its own JSON body and type.
 */
export function JsonTextReply(): MethodDecorator {
  return Header('Content-Type', 'application/json; charset=utf-8');
}
