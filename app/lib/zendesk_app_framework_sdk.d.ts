/**
 * The part of the ZAF SDK (v2, CommonJS, no types of its own) the app uses. The client's own
 * shape is `ZafClient` in ./zaf-client.ts (an ambient module cannot import a relative path).
 */
declare module 'zendesk_app_framework_sdk' {
  const ZAFClient: {
    /** Returns `false` unless the iframe URL carries `origin` and `app_guid` (Zendesk adds them). */
    init(callback?: (context: unknown) => void): object | false;
  };
  export = ZAFClient;
}
