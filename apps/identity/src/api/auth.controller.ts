import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '@crm/platform';
import { LoginHandler, LogoutHandler, RefreshHandler } from '../application/auth/auth.handlers';
import { SigningKeyStore } from '../infrastructure/signing-key.store';
import { LoginDto, RefreshTokenDto, TokenPairDto } from './auth.dto';

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
  @ApiOperation({ summary: 'Sign in with organisation code, username and password' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ description: 'Invalid input.', ...problem })
  @ApiUnauthorizedResponse({ description: 'AUTH.INVALID_CREDENTIALS: wrong organisation, username or password, or a disabled user.', ...problem })
  signIn(@Body() body: LoginDto): Promise<TokenPairDto> {
    return this.login.execute(body);
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
