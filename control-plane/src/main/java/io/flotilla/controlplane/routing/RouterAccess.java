package io.flotilla.controlplane.routing;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Whether the router may run without API keys. Keyless is for the quick start on a laptop: it is allowed only while
 * the server that carries {@code /v1} listens on loopback, where only local processes reach it. Bound to anything
 * else (a wildcard address, a LAN address, a host name, which may resolve to anything), a router without keys would
 * let anyone who can reach it spend the fleet's GPUs, so it refuses every request instead.
 */
final class RouterAccess {

    enum Mode {
        /** Tenants' keys are checked on every request. */
        API_KEYS,
        /** No keys configured, listening on loopback: open to local clients. */
        KEYLESS_LOOPBACK,
        /** No keys configured, listening beyond loopback: every request is refused. */
        REFUSE_ALL
    }

    private RouterAccess() {
    }

    static Mode mode(boolean keysConfigured, String boundHost) {
        if (keysConfigured) {
            return Mode.API_KEYS;
        }
        return isLoopback(boundHost) ? Mode.KEYLESS_LOOPBACK : Mode.REFUSE_ALL;
    }

    /** Whether a bind address is loopback: {@code localhost}, or an IP literal in 127.0.0.0/8 or {@code ::1}. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost")) {
            return true;
        }
        if (!NetUtil.isValidIpV4Address(h) && !NetUtil.isValidIpV6Address(h)) {
            return false;
        }
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(h);
        return address != null && address.isLoopbackAddress();
    }
}
