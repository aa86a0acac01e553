/** The GitHub push webhook that makes the controller reconcile at once. */
export {
  createPushWebhookHandler,
  webhookSecretFromEnv,
  WEBHOOK_SECRET_ENV,
  type PushWebhookOptions,
  type WebhookReply,
} from "./handler.js";
export { parsePushEvent, type PushEvent } from "./push-event.js";
