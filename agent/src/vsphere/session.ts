import type { Logger } from "../log.ts";
import { isFault } from "./faults.ts";
import { currentTime } from "./methods/current-time.ts";
import { parseServiceContent, SERVICE_INSTANCE, type ServiceContent } from "./service-content.ts";
import type { SoapCallOptions, SoapClient } from "./soap-client.ts";
import type { MoRef } from "./values.ts";
import type { InvokeOptions } from "./vim.ts";
import type { XmlElement } from "./xml.ts";
import type { XmlNode } from "./xml-write.ts";
import { el } from "./xml-write.ts";

export interface SessionOptions {
  username: string;
  password: string;
  keepAliveIdleMs: number;
  log: Logger;
}

/**
 * One vCenter login shared by every job of the agent (vCenter slows down with many sessions).
 * Logs in lazily, keeps the session alive with `CurrentTime` before the idle timeout, and on
 * `NotAuthenticated` drops the cookie, logs in again exactly once and repeats the call.
 */
export class Session {
  readonly #soap: SoapClient;
  readonly #options: SessionOptions;
  #content: Promise<ServiceContent> | undefined;
  #login: Promise<void> | undefined;
  #generation = 0;
  #lastActivity = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #reloginListeners: (() => void)[] = [];

  constructor(soap: SoapClient, options: SessionOptions) {
    this.#soap = soap;
    this.#options = options;
  }

  /** Increases with every successful login; objects created under an older one are gone. */
  get generation(): number {
    return this.#generation;
  }

  /** RetrieveServiceContent, once per client; it needs no session. */
  serviceContent(options: SoapCallOptions = {}): Promise<ServiceContent> {
    this.#content ??= this.#soap
      .call("RetrieveServiceContent", SERVICE_INSTANCE, [], options)
      .then(parseServiceContent)
      .catch((err: unknown) => {
        this.#content = undefined;
        throw err;
      });
    return this.#content;
  }

  /** Log in unless a session is live. Concurrent callers share one Login. */
  async ensureLoggedIn(options: SoapCallOptions = {}): Promise<void> {
    if (this.#soap.hasSession) return;
    this.#login ??= this.#doLogin(options).finally(() => {
      this.#login = undefined;
    });
    return this.#login;
  }

  async #doLogin(options: SoapCallOptions): Promise<void> {
    if (this.#closed) throw new Error("vSphere session is closed");
    const content = await this.serviceContent(options);
    const { username, password } = this.#options;
    // a cookie of a dead session must not ride along: vcsim answers Login on a live cookie with InvalidLogin
    this.#soap.clearSession();
    await this.#soap.call(
      "Login",
      content.sessionManager,
      [el("userName", username), el("password", password)],
      // a caller's abort must not leave half a login behind for the others waiting on it
      { counter: options.counter },
    );
    this.#generation += 1;
    this.#touch();
    if (this.#generation > 1) for (const listener of this.#reloginListeners) listener();
    this.#options.log.info("vcenter login", { user: username, generation: this.#generation });
  }

  /** Called after every login but the first: objects bound to the old session are gone. */
  onRelogin(listener: () => void): void {
    this.#reloginListeners.push(listener);
  }

  /** Re-login unless someone already did since `staleGeneration`. */
  async relogin(staleGeneration: number, options: SoapCallOptions = {}): Promise<void> {
    if (this.#generation > staleGeneration && this.#soap.hasSession) return;
    if (this.#login === undefined) this.#soap.clearSession();
    await this.ensureLoggedIn(options);
  }

  async invoke(
    method: string,
    thisRef: MoRef,
    body: readonly XmlNode[],
    options: InvokeOptions = {},
  ): Promise<XmlElement> {
    await this.ensureLoggedIn(options);
    const generation = this.#generation;
    try {
      const res = await this.#soap.call(method, thisRef, body, options);
      this.#touch();
      return res;
    } catch (err) {
      if (!isFault(err, "NotAuthenticated") || options.relogin === false) throw err;
      this.#options.log.warn("vcenter session lost; logging in again", { method });
      await this.relogin(generation, options);
      const res = await this.#soap.call(method, thisRef, body, options);
      this.#touch();
      return res;
    }
  }

  #touch(): void {
    this.#lastActivity = Date.now();
    if (this.#timer !== undefined || this.#closed) return;
    const every = Math.max(100, Math.floor(this.#options.keepAliveIdleMs / 4));
    this.#timer = setInterval(() => void this.#keepAlive(), every);
    this.#timer.unref();
  }

  async #keepAlive(): Promise<void> {
    if (Date.now() - this.#lastActivity < this.#options.keepAliveIdleMs || !this.#soap.hasSession) return;
    try {
      await currentTime(this);
    } catch (err) {
      this.#options.log.warn("vcenter keepalive failed", { error: String(err) });
    }
  }

  /** Stop the keepalive and end the session on vCenter. */
  async logout(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (!this.#soap.hasSession || this.#content === undefined) return;
    const content = await this.#content;
    try {
      await this.#soap.call("Logout", content.sessionManager, []);
    } catch (err) {
      if (!isFault(err, "NotAuthenticated")) throw err;
    } finally {
      this.#soap.clearSession();
    }
  }
}
