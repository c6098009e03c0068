package io.flotilla.policy;

/**
 * Bounds that keep a hostile or mistaken file from exhausting the control plane.
 *
 * @param maxFileBytes largest file accepted, in UTF-8 bytes
 * @param maxAliases most YAML aliases ({@code *name}) in one file; aliases are what a "billion laughs"
 *        file multiplies, and policies rarely need more than a few
 * @param maxDepth deepest nesting of mappings and lists; a policy needs about 6
 */
public record ParserLimits(int maxFileBytes, int maxAliases, int maxDepth) {
    public static final ParserLimits DEFAULT = new ParserLimits(1 << 20, 20, 32);
}
