package io.flotilla.controlplane.routing;

/**
 * The key that ties a request to the cluster that served its predecessors, so that the model server's prefix
 * cache is hit: the {@value #SESSION_HEADER} header, else the body's OpenAI {@code user}, else a hash of the start
 * of the prompt ({@link PromptPrefix}). 64-bit FNV-1a; {@link #NONE} (0) means no key.
 */
final class AffinityKey {

    /** A client's own session id; wins over {@code user} and the prompt prefix. */
    static final String SESSION_HEADER = "X-Flotilla-Session";
    static final long NONE = 0;
    static final long FNV_OFFSET = 0xcbf29ce484222325L;
    static final long FNV_PRIME = 0x100000001b3L;

    private AffinityKey() {
    }

    /** The header's key if it has one, else the body's. */
    static long choose(String sessionHeader, long fromBody) {
        return sessionHeader == null || sessionHeader.isEmpty() ? fromBody : of('s', sessionHeader);
    }

    /** The key of a session id or user name, by kind ({@code 's'} session, {@code 'u'} user, {@code 'p'} prompt). */
    static long of(char kind, CharSequence text) {
        return nonZero(add(add(FNV_OFFSET, kind), text, text.length()));
    }

    static long add(long hash, CharSequence text, int length) {
        long h = hash;
        for (int i = 0; i < length; i++) {
            h = add(h, text.charAt(i));
        }
        return h;
    }

    static long add(long hash, char c) {
        return ((hash ^ (c & 0xff)) * FNV_PRIME ^ (c >>> 8)) * FNV_PRIME;
    }

    static long nonZero(long h) {
        return h == NONE ? 1 : h;
    }
}
