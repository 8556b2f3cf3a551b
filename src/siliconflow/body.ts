/**
 * SiliconFlow's answer bodies come in three kinds: a JSON object (`{code, message, data}` for errors),
 * a bare JSON string from older deployments (`"Invalid token"`), or plain text (the router's
 * `404 page not found`, a gateway's 504). See docs/siliconflow.md, "Errors".
 */

/** The parsed JSON (object, string, anything), or the text itself when it is not JSON. */
export function parseUpstreamBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
