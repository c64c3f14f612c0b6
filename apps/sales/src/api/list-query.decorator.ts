import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';

/** OpenAPI for the list conventions (`page`, `pageSize`, `sort`) plus the endpoint's filters. */
export const ApiListQuery = (sortable: string[], filters: Record<string, string>) =>
  applyDecorators(
    ApiQuery({ name: 'page', required: false, description: 'Page number, from 1.', example: 1 }),
    ApiQuery({ name: 'pageSize', required: false, description: 'Items per page, 1-200 (default 20).', example: 20 }),
    ApiQuery({ name: 'sort', required: false, description: `Comma-separated; \`-\` for descending. Fields: ${sortable.join(', ')}.`, example: `-${sortable[sortable.length - 1]}` }),
    ...Object.entries(filters).map(([name, description]) => ApiQuery({ name, required: false, description })),
  );
