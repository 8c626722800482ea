package org.glean.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.List;

/**
 * The RSA key pair that signs Glean's own tokens (RS256), as two PEM files in one folder: the
 * private key (owner-only) and the public key that verification reads.
 */
public final class TokenSigningKey {

    public static final String PRIVATE_KEY = "jwt-signing-key.pem";
    public static final String PUBLIC_KEY = "jwt-verify-key.pem";

    private TokenSigningKey() {
    }

    /** Creates the pair in the folder unless it is there. */
    public static void ensure(Path folder) {
        if (Files.exists(folder.resolve(PRIVATE_KEY)) && Files.exists(folder.resolve(PUBLIC_KEY))) {
            return;
        }
        KeyPair keys = generate();
        PemFiles.write(folder.resolve(PRIVATE_KEY), true, List.of(keys.getPrivate()));
        PemFiles.write(folder.resolve(PUBLIC_KEY), false, List.of(keys.getPublic()));
    }

    public static PrivateKey read(Path privateKeyFile) {
        return PemFiles.privateKey(privateKeyFile, "RSA");
    }

    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks RSA", e);
        }
    }
}
