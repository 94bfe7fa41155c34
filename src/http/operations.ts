import type { Request, Response } from 'express';
import type { operations } from '../../generated/api';
import type { AuthenticatedUser } from '../auth/types';

/*
 * Handler types derived from the generated operations: a renamed operation, a missing handler or a
 * body that does not match the spec's response schema fails `tsc`.
 */

export type OperationId = keyof operations;
type Operation<K extends OperationId> = operations[K];

type ParametersOf<K extends OperationId> = Operation<K>['parameters'];
export type PathParams<K extends OperationId> = ParametersOf<K> extends { path: infer P } ? P : never;
export type QueryParams<K extends OperationId> = ParametersOf<K> extends { query?: infer Q } ? NonNullable<Q> : never;
export type JsonRequestBody<K extends OperationId> = Operation<K> extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : Operation<K> extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B | undefined
    : undefined;

type Responses<K extends OperationId> = Operation<K>['responses'];
type SuccessStatus<K extends OperationId> = Extract<keyof Responses<K>, 200 | 201 | 202 | 204>;
type JsonContent<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;

/** A 2xx answer the spec allows for this operation; errors are thrown, never returned. */
export type Reply<K extends OperationId> = {
  [S in SuccessStatus<K>]: { status: S; body: JsonContent<Responses<K>[S]>; headers?: Record<string, string> };
}[SuccessStatus<K>];

export interface HandlerContext<K extends OperationId> {
  /** Path and query as the validator checked and coerced them. */
  params: PathParams<K>;
  query: QueryParams<K>;
  body: JsonRequestBody<K>;
  user: AuthenticatedUser | undefined;
  req: Request;
  res: Response;
}

/** `'streamed'` means the handler wrote the answer itself (SSE, YAML). */
export type Handler<K extends OperationId> = (context: HandlerContext<K>) => Promise<Reply<K> | 'streamed'>;

/** The operations of the spec's `webhooks`: requests the bridge sends to receivers, not ones it serves. */
type OutgoingOperationId = 'receiveUserEvent';
export type ServedOperationId = Exclude<OperationId, OutgoingOperationId>;

export type Handlers = { [K in ServedOperationId]: Handler<K> };
