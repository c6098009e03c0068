package io.flotilla.controlplane.fleet;

/** Mass-offline protection started ({@code state.holds()}) or ended; fired by the replica that saw the change. */
public record MassOfflineChanged(MassOffline state) {
}
