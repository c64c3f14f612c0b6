import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '@crm/platform';
import { LoginClient, LoginHandler, LogoutHandler, RefreshHandler } from '../application/auth/auth.handlers';
import { SigningKeyStore } from '../infrastructure/signing-key.store';
import { LoginDto, RefreshTokenDto, TokenPairDto } from './auth.dto';
import { SignInClient } from './login-client.decorator';

const problem = { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly login: LoginHandler,
    private readonly refresh: RefreshHandler,
    private readonly logout: LogoutHandler,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with organisation code, username and password',
    description:
      'Every attempt is written to the login log (GET /api/v1/login-logs). After LOGIN_MAX_FAILURES (default 5) wrong passwords in a row the user is locked for LOGIN_LOCK_MINUTES (default 15); a successful sign-in resets the count.',
  })
  @ApiHeader({ name: 'x-client-type', required: false, description: 'The kind of client, for the login log: `web` (default) or `app`.', enum: ['web', 'app'] })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ description: 'Invalid input.', ...problem })
  @ApiUnauthorizedResponse({
    description:
      'AUTH.INVALID_CREDENTIALS: wrong organisation, username or password, or a disabled user. AUTH.ACCOUNT_LOCKED: too many wrong passwords in a row; the detail says until when (even the right password is refused until then).',
    ...problem,
  })
  signIn(@Body() body: LoginDto, @SignInClient() client: LoginClient): Promise<TokenPairDto> {
    return this.login.execute(body, client);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (the old one stops working)' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ description: 'Invalid input.', ...problem })
  @ApiUnauthorizedResponse({ description: 'AUTH.REFRESH_TOKEN_INVALID: unknown, expired, logged out or already used (which ends the whole login).', ...problem })
  rotate(@Body() body: RefreshTokenDto): Promise<TokenPairDto> {
    return this.refresh.execute(body.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the login the refresh token belongs to' })
  @ApiNoContentResponse({ description: 'Done (also for unknown tokens).' })
  @ApiBadRequestResponse({ description: 'Invalid input.', ...problem })
  async signOut(@Body() body: RefreshTokenDto): Promise<void> {
    await this.logout.execute(body.refreshToken);
  }
}

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeyStore) {}

  @Public()
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify access tokens (JWKS)' })
  @ApiOkResponse({ description: 'A JSON Web Key Set of RS256 public keys.' })
  jwks() {
    return this.keys.jwks();
  }
}
