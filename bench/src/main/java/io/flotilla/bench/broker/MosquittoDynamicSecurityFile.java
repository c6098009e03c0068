package io.flotilla.bench.broker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The dynamic security plugin's file for a Mosquitto that serves Flotilla, as {@code mosquitto_ctrl dynsec init}
 * writes it (PBKDF2-SHA512, 12-byte salt, 101 iterations), with the control plane's user holding only the role
 * deploy/broker/README.md gives it, and the init's default ACL access. For the soak and the end-to-end tests, which
 * start Mosquitto without {@code mosquitto_ctrl}.
 */
public final class MosquittoDynamicSecurityFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MosquittoDynamicSecurityFile() {
    }

    /** A new random password: 32 hex digits. */
    public static String randomPassword() {
        return HexFormat.of().formatHex(randomBytes(16));
    }

    /** The file's JSON, with {@code user} (the control plane's) holding {@code password}. */
    public static String forControlPlane(String user, String password) {
        byte[] salt = randomBytes(12);
        ArrayNode acls = JSON.createArrayNode();
        for (String topic : List.of("$CONTROL/dynamic-security/#", "flotilla/v1/#")) {
            for (String type : List.of("publishClientSend", "publishClientReceive", "subscribePattern")) {
                acls.addObject().put("acltype", type).put("topic", topic).put("allow", true);
            }
        }
        // Mosquitto 2.0 checks a shared subscription's whole filter, $share/<group>/ included
        acls.addObject().put("acltype", "subscribePattern").put("topic", "$share/flotilla/flotilla/v1/#").put("allow", true);
        ObjectNode file = JSON.createObjectNode();
        ObjectNode client = file.putArray("clients").addObject().put("username", user)
                .put("password", Base64.getEncoder().encodeToString(pbkdf2(password, salt)))
                .put("salt", Base64.getEncoder().encodeToString(salt)).put("iterations", 101);
        client.putArray("roles").addObject().put("rolename", user);
        ObjectNode role = file.putArray("roles").addObject().put("rolename", user);
        role.set("acls", acls);
        file.putObject("defaultACLAccess").put("publishClientSend", false).put("publishClientReceive", true)
                .put("subscribe", false).put("unsubscribe", true);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(file);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pbkdf2(String password, byte[] salt) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 101, 512)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
