import { describe, expect, it } from 'vitest';

import { classifyAnswer, classifyFault, type Classification } from '../../../src/lastpass/answer-classifier.ts';
import { COMMAND_SPECS, GENERIC_SPEC, type AnswerSpec } from '../../../src/lastpass/command-specs.ts';
import type { HttpAnswer } from '../../../src/lastpass/wire-types.ts';
import {
  AUTH_ERROR_XML,
  BATCHCHANGEGRP_FAIL,
  BATCHCHANGEGRP_WARN,
  DISABLEUSER_ERROR,
  DISABLEUSER_SUCCESS,
  EDGE_HTML_403,
  EXPIRED_PAGE_1,
  GETSFDATA,
  GETSFDATA_EMPTY,
  GETUSERDATA_EMPTY_LEGACY,
  GETUSERDATA_NOT_FOUND,
  GETUSERDATA_RECORDED,
  REPORTING_PAGE,
  REPORTING_SIEM,
  STATUS_OK,
} from './support/reference-answers.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');

function answer(body: string | object, status = 200, retryAfter?: string): HttpAnswer {
  return {
    status,
    contentType: 'text/xml;charset=UTF-8',
    retryAfter,
    bodyText: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

function classify(spec: AnswerSpec, body: string | object, status = 200, retryAfter?: string): Classification {
  return classifyAnswer(answer(body, status, retryAfter), spec, NOW);
}

describe('classifyAnswer: success per command spelling', () => {
  const cases: [string, AnswerSpec, object][] = [
    ['batchadd OK', COMMAND_SPECS.batchadd, STATUS_OK],
    ['updateuser OK', COMMAND_SPECS.updateuser, STATUS_OK],
    ['deluser OK', COMMAND_SPECS.deluser, STATUS_OK],
    ['reinviteuser OK', COMMAND_SPECS.reinviteuser, STATUS_OK],
    ['resetpassword OK', COMMAND_SPECS.resetpassword, STATUS_OK],
    ['requiremasterpasswordchange OK', COMMAND_SPECS.requiremasterpasswordchange, STATUS_OK],
    ['disablemultifactor OK', COMMAND_SPECS.disablemultifactor, STATUS_OK],
    ['updateemail OK', COMMAND_SPECS.updateemail, STATUS_OK],
    ['batchchangegrp OK', COMMAND_SPECS.batchchangegrp, STATUS_OK],
    ['disableuser success (lower case)', COMMAND_SPECS.disableuser, DISABLEUSER_SUCCESS],
    ['enableuser success', COMMAND_SPECS.enableuser, { status: 'success', enabled_users: [] }],
    ['expiredmasterpwlist Success (capital S)', COMMAND_SPECS.expiredmasterpwlist, EXPIRED_PAGE_1],
    ['reporting OK', COMMAND_SPECS.reporting, REPORTING_PAGE],
    ['reporting SIEM without status', COMMAND_SPECS.reporting, REPORTING_SIEM],
    ['getuserdata recorded, no status', COMMAND_SPECS.getuserdata, GETUSERDATA_RECORDED],
    ['getuserdata not found ({"Users":[]})', COMMAND_SPECS.getuserdata, GETUSERDATA_NOT_FOUND],
    ['getuserdata legacy empty', COMMAND_SPECS.getuserdata, GETUSERDATA_EMPTY_LEGACY],
    ['getsfdata map keyed by id', COMMAND_SPECS.getsfdata, GETSFDATA],
    ['getsfdata empty as []', COMMAND_SPECS.getsfdata, GETSFDATA_EMPTY],
    ['getdetailedsfdata empty object', COMMAND_SPECS.getdetailedsfdata, {}],
  ];
  it.each(cases)('%s', (_name, spec, body) => {
    const result = classify(spec, body);
    expect(result.kind).toBe('success');
  });

  it('reads JSON whatever the content type claims, with a BOM and whitespace around it', () => {
    const result = classifyAnswer(
      { status: 200, contentType: 'text/xml;charset=UTF-8', retryAfter: undefined, bodyText: '\uFEFF \n{"status":"OK"}\n' },
      COMMAND_SPECS.batchadd,
      NOW,
    );
    expect(result).toEqual({ kind: 'success', body: { status: 'OK' }, errors: [] });
  });

  it('does not take another command\'s spelling: "success" is not OK for batchadd', () => {
    const result = classify(COMMAND_SPECS.batchadd, { status: 'success' });
    expect(result).toMatchObject({ kind: 'rejected', details: { status: 'success' } });
  });

  it('compares the spelling ignoring case, as the docs disagree on it', () => {
    expect(classify(COMMAND_SPECS.disableuser, { status: 'Success' }).kind).toBe('success');
    expect(classify(COMMAND_SPECS.expiredmasterpwlist, { status: 'success', items: [] }).kind).toBe('success');
  });
});

describe('classifyAnswer: partial success', () => {
  it('WARN with the errors array is partial', () => {
    expect(classify(COMMAND_SPECS.batchchangegrp, BATCHCHANGEGRP_WARN)).toEqual({
      kind: 'partial',
      body: BATCHCHANGEGRP_WARN,
      status: 'WARN',
      errors: ['ghost@example.com does not exist'],
    });
  });

  it('keeps an `error` text next to a success status for the caller', () => {
    const result = classify(COMMAND_SPECS.disableuser, { ...DISABLEUSER_SUCCESS, error: 'one user skipped' });
    expect(result).toMatchObject({ kind: 'success', errors: ['one user skipped'] });
  });
});

describe('classifyAnswer: permanent failures', () => {
  it('FAIL is rejected with LastPass\'s texts', () => {
    expect(classify(COMMAND_SPECS.batchchangegrp, BATCHCHANGEGRP_FAIL)).toEqual({
      kind: 'rejected',
      reason: 'status FAIL: ghost@example.com does not exist',
      details: { status: 'FAIL', errors: ['ghost@example.com does not exist'] },
    });
  });

  it('a non-success status with `error` (disableuser) is rejected', () => {
    expect(classify(COMMAND_SPECS.disableuser, DISABLEUSER_ERROR)).toMatchObject({
      kind: 'rejected',
      details: { status: 'error', errors: ['data must be an array of emails'] },
    });
  });

  it('a read answer without status but with errors is rejected', () => {
    expect(classify(COMMAND_SPECS.getuserdata, { error: ['bad filter'] })).toMatchObject({
      kind: 'rejected',
      details: { errors: ['bad filter'] },
    });
  });

  it('a write answer without status is rejected as the wrong shape', () => {
    expect(classify(COMMAND_SPECS.batchadd, { something: 1 })).toEqual({
      kind: 'rejected',
      reason: 'answer has neither a status nor the expected data',
      details: {},
    });
  });

  it('a getuserdata answer without Users, Groups or counts is rejected', () => {
    expect(classify(COMMAND_SPECS.getuserdata, { hello: 'world' }).kind).toBe('rejected');
  });

  it('a list answer is only valid for map-shaped reads', () => {
    expect(classify(COMMAND_SPECS.batchadd, []).kind).toBe('rejected');
    expect(classify(COMMAND_SPECS.getsfdata, []).kind).toBe('success');
  });

  it.each([400, 404, 405, 301])('HTTP %i is rejected', (status) => {
    expect(classify(COMMAND_SPECS.batchadd, 'nope', status)).toEqual({
      kind: 'rejected',
      reason: `HTTP ${status}`,
      details: { httpStatus: status },
    });
  });
});

describe('classifyAnswer: authentication', () => {
  it('the recorded XML body is an auth failure, whatever the status', () => {
    expect(classify(COMMAND_SPECS.getuserdata, AUTH_ERROR_XML)).toEqual({
      kind: 'auth',
      reason: 'LastPass refused the account number or provisioning hash',
    });
    expect(classify(COMMAND_SPECS.getuserdata, AUTH_ERROR_XML, 403).kind).toBe('auth');
  });
});

describe('classifyAnswer: transient failures', () => {
  it('429 with Retry-After in seconds', () => {
    expect(classify(COMMAND_SPECS.getdetailedsfdata, 'Too Many Requests', 429, '7')).toEqual({
      kind: 'transient',
      reason: 'HTTP 429 (retry after 7000 ms)',
      details: { httpStatus: 429, retryAfterMs: 7000, mayHaveApplied: false },
    });
  });

  it('429 with Retry-After as an HTTP date', () => {
    const at = new Date(NOW + 30_000).toUTCString();
    expect(classify(COMMAND_SPECS.getuserdata, '', 429, at)).toMatchObject({
      kind: 'transient',
      details: { retryAfterMs: 30_000 },
    });
  });

  it('503 without Retry-After may have applied', () => {
    expect(classify(COMMAND_SPECS.deluser, '<html>busy</html>', 503)).toEqual({
      kind: 'transient',
      reason: 'HTTP 503',
      details: { httpStatus: 503, mayHaveApplied: true },
    });
  });

  it.each([500, 502, 504])('HTTP %i is transient', (status) => {
    expect(classify(COMMAND_SPECS.batchadd, '{"status":"OK"}', status).kind).toBe('transient');
  });

  it('an HTML 403 from the edge is transient and was not applied', () => {
    expect(classify(COMMAND_SPECS.batchadd, EDGE_HTML_403, 403)).toMatchObject({
      kind: 'transient',
      details: { httpStatus: 403, mayHaveApplied: false },
    });
  });

  it('an HTML page or garbage with 200 is transient', () => {
    expect(classify(COMMAND_SPECS.getuserdata, EDGE_HTML_403)).toEqual({
      kind: 'transient',
      reason: `answer is not JSON (content-type text/xml;charset=UTF-8, ${EDGE_HTML_403.length} bytes)`,
      details: { httpStatus: 200, mayHaveApplied: true },
    });
    expect(classify(COMMAND_SPECS.getuserdata, '{"Users": {').kind).toBe('transient');
    expect(classify(COMMAND_SPECS.getuserdata, '').kind).toBe('transient');
  });

  it('network faults: a refused connection was not applied, a reset may have been', () => {
    expect(classifyFault({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED', beforeSending: true })).toEqual({
      kind: 'transient',
      reason: 'ECONNREFUSED: connect ECONNREFUSED',
      details: { mayHaveApplied: false },
    });
    expect(classifyFault({ code: 'UND_ERR_SOCKET', message: 'other side closed', beforeSending: false })).toMatchObject({
      details: { mayHaveApplied: true },
    });
  });
});

describe('classifyAnswer: commands the client does not know', () => {
  it('accepts OK or success, and a status-less object', () => {
    expect(classify(GENERIC_SPEC, { status: 'OK' }).kind).toBe('success');
    expect(classify(GENERIC_SPEC, { status: 'success' }).kind).toBe('success');
    expect(classify(GENERIC_SPEC, { licenses: 10 }).kind).toBe('success');
    expect(classify(GENERIC_SPEC, { status: 'FAIL', errors: ['unknown command'] }).kind).toBe('rejected');
  });
});
