package io.digitflow.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes a rendered image as PNG, creating the folder it goes into. */
final class PngFiles {

    private PngFiles() {
    }

    static void write(BufferedImage image, Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // ImageIO.write returns false instead of throwing when no writer fits; say so.
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer for image type " + image.getType() + ": " + png);
        }
    }
}
