/** The auth port: whatever issues tokens, the API only needs to know whose request it is. */
export interface AuthenticatedUser {
  userId: string;
}

export interface TokenVerifier {
  verify(token: string): Promise<AuthenticatedUser>;
}
