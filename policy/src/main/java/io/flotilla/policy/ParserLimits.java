package io.flotilla.policy;

/**
 * Bounds that keep a hostile or mistaken file from exhausting the control plane.
 *
 * @param maxFileBytes largest file accepted, in UTF-8 bytes
 * @param maxAliases most YAML aliases ({@code *name}) in one file; aliases are what a "billion laughs"
 *        file multiplies, and policies rarely need more than a few
 * @param maxDepth deepest nesting of mappings and lists; a policy needs about 6
 * @param maxValues most values (scalars, lists and mappings) read from one file, each alias counting as
 *        often as it is used: a few aliases of a large list would otherwise expand one file into millions
 *        of values; a policy has a few hundred
 * @param maxErrors most errors reported for one file; checking stops there, as a compiler's does, so that
 *        a long list of wrong values costs neither a "did you mean" search nor an error line for each
 */
public record ParserLimits(int maxFileBytes, int maxAliases, int maxDepth, int maxValues, int maxErrors) {
    public static final ParserLimits DEFAULT = new ParserLimits(1 << 20, 20, 32, 100_000, 100);
}
