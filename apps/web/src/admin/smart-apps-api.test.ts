import { describe, expect, it } from 'vitest';
import { parseUriList, registrationBody } from './smart-apps-api';

const empty = { name: '', type: 'public' as const, redirectUris: '', launchUri: '', scope: '', jwksUri: '', jwks: '' };

describe('SMART app registration form', () => {
  it('splits redirect URIs on lines, spaces and commas', () => {
    expect(parseUriList('https://a.example/cb\n  https://b.example/cb, http://127.0.0.1:9/cb ')).toEqual([
      'https://a.example/cb',
      'https://b.example/cb',
      'http://127.0.0.1:9/cb',
    ]);
  });

  it('names what an app type is missing', () => {
    expect(registrationBody(empty).problems).toEqual({
      name: 'Give the app a name',
      redirect_uris: 'An app needs at least one redirect URI',
    });
    expect(registrationBody({ ...empty, name: 'Labs', type: 'backend' }).problems.jwks).toMatch(/public keys/);
    expect(registrationBody({ ...empty, name: 'Labs', type: 'backend', jwks: '{"nope": 1}' }).problems.jwks).toMatch(
      /JSON Web Key Set/,
    );
  });

  it('sends only what the type uses', () => {
    expect(
      registrationBody({
        ...empty,
        name: ' Growth charts ',
        redirectUris: 'https://charts.example/cb',
        scope: 'launch  openid fhirUser patient/*.rs',
      }).body,
    ).toEqual({
      name: 'Growth charts',
      type: 'public',
      redirect_uris: ['https://charts.example/cb'],
      scope: 'launch openid fhirUser patient/*.rs',
    });
    expect(
      registrationBody({
        ...empty,
        name: 'Lab feed',
        type: 'backend',
        redirectUris: 'https://ignored.example',
        jwksUri: 'https://lab.example/jwks',
      }).body,
    ).toEqual({ name: 'Lab feed', type: 'backend', jwks_uri: 'https://lab.example/jwks' });
  });
});
