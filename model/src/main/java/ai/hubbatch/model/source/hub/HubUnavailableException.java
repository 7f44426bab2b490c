package ai.hubbatch.model.source.hub;

import java.io.IOException;

/**
 * The Hub could not answer: no connection, a timeout, or a server error. Unlike a refusal (an
 * unknown repository, a bad token), this is worth a retry, and a cached copy may stand in.
 */
public final class HubUnavailableException extends IOException {

  HubUnavailableException(String message) {
    super(message);
  }
}
