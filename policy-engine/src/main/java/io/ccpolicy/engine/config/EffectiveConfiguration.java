package io.ccpolicy.engine.config;

import java.util.List;
import java.util.Map;

/**
 * The configuration a session really runs with after the guide's precedence (enterprise lock > enterprise restriction >
 * project > user > default): the MCP servers and skills that survive, with the layer each came from, the merged
 * settings, what was rejected and why, and warnings that did not reject anything.
 */
public record EffectiveConfiguration(List<Item> mcpServers, List<Item> skills, Map<String, Object> settings,
        List<Rejection> rejected, List<String> warnings) {

    public enum Layer { ENTERPRISE, PROJECT, USER }

    /** An item and the layer that supplied it. */
    public record Item(String name, Layer layer) {
    }

    /** Something a layer asked for that the enterprise policy refused: which policy or lock, and why. */
    public record Rejection(Layer layer, String kind, String item, String policy, String reason) {

        @Override
        public String toString() {
            return layer.name().toLowerCase() + " " + kind + " '" + item + "' rejected by " + policy + ": " + reason;
        }
    }
}
