import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiQuery, ApiUnauthorizedResponse } from '@nestjs/swagger';

/** RFC 9457 problem details as every error response's schema. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'https://crm.dev/problems/request-invalid' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string', example: 'The request has invalid fields.' },
    code: { type: 'string', description: 'Stable error code', example: 'REQUEST.INVALID' },
    instance: { type: 'string', example: '/api/v1/users' },
    requestId: { type: 'string', example: '3f0b8a52-59a4-4c53-9b9e-7f6c2f4d8a11' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string', example: 'email' }, message: { type: 'string', example: 'email must be an email' } },
      },
    },
  },
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The error responses every authenticated operation may give. */
export const ApiProblems = (...extra: ('not-found' | 'conflict' | 'forbidden')[]) =>
  applyDecorators(
    ApiBadRequestResponse(problem('Invalid input: unknown or missing fields, wrong types, malformed JSON.')),
    ApiUnauthorizedResponse(problem('No access token, or an invalid or expired one.')),
    ...(extra.includes('forbidden') ? [ApiForbiddenResponse(problem('The caller may not do this.'))] : []),
    ...(extra.includes('not-found') ? [ApiNotFoundResponse(problem('No such record in the caller\u2019s organisation.'))] : []),
    ...(extra.includes('conflict') ? [ApiConflictResponse(problem('The change conflicts with existing data.'))] : []),
  );

/** OpenAPI for the list conventions (`page`, `pageSize`, `sort`) plus the endpoint's filters. */
export const ApiListQuery = (sortable: string[], filters: Record<string, string>) =>
  applyDecorators(
    ApiQuery({ name: 'page', required: false, description: 'Page number, from 1.', example: 1 }),
    ApiQuery({ name: 'pageSize', required: false, description: 'Items per page, 1-200 (default 20).', example: 20 }),
    ApiQuery({ name: 'sort', required: false, description: `Comma-separated; \`-\` for descending. Fields: ${sortable.join(', ')}.`, example: `-${sortable[sortable.length - 1]}` }),
    ...Object.entries(filters).map(([name, description]) => ApiQuery({ name, required: false, description })),
  );
