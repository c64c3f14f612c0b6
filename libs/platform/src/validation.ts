import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, validationError } from '@crm/kernel';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Request bodies and queries: unknown fields are refused (so `ownerId`, `tenantId` and the like
 * can never be mass-assigned), types are checked, and every problem names its field.
 */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationError(flatten(errors)),
  });
}

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object, Buffer];

/** class-validator lets a JSON array or scalar through where a DTO object is expected: refuse it. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = typeof metadata.metatype === 'function' && !PRIMITIVES.includes(metadata.metatype);
    if (metadata.type === 'body' && isDto && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw validationError([{ field: '(body)', message: 'the request body must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}
