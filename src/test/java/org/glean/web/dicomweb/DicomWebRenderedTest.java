package org.glean.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import javax.imageio.ImageIO;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DicomWebRenderedTest extends DicomWebTest {

    private final String viewer = TestTokens.token("dr-rendered", Role.ANNOTATOR);

    @Test
    void withoutAWindowTheFramesRangeSpansBlackToWhite() throws Exception {
        IngestedStudy.Sent instance = study.explicitLittle();

        HttpResponse<byte[]> response = calls.get(study.instancePath(instance) + "/rendered", viewer, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(DicomWebCalls.contentType(response)).isEqualTo("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image.getWidth()).isEqualTo(instance.spec().columns());
        assertThat(image.getHeight()).isEqualTo(instance.spec().rows());
        int[] stored = storedValues(instance.storedFrame(1));
        int min = java.util.Arrays.stream(stored).min().orElseThrow();
        int max = java.util.Arrays.stream(stored).max().orElseThrow();
        for (int i = 0; i < stored.length; i++) {
            int expected = (int) Math.round((stored[i] - min) * 255.0 / (max - min));
            assertThat(grey(image, i)).as("pixel %d", i).isEqualTo(expected);
        }
    }

    @Test
    void aWindowOfWidthOneThresholdsAtItsCenter() throws Exception {
        IngestedStudy.Sent instance = study.rle();

        HttpResponse<byte[]> response = calls.get(study.instancePath(instance) + "/frames/2/rendered?window=0,1,linear",
                viewer, "image/png");

        assertThat(response.statusCode()).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        int[] stored = storedValues(instance.storedFrame(2));
        for (int i = 0; i < stored.length; i++) {
            // modality value = stored − 1024: at or below −0.5 black, above white
            assertThat(grey(image, i)).as("pixel %d", i).isEqualTo(stored[i] - 1024 <= -0.5 ? 0 : 255);
        }
    }

    @Test
    void jpegWhenAskedForFirst() throws Exception {
        HttpResponse<byte[]> response = calls.get(study.instancePath(study.jpegLossless()) + "/frames/3/rendered",
                viewer, "image/jpeg, image/png;q=0.5");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(DicomWebCalls.contentType(response)).isEqualTo("image/jpeg");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image.getWidth()).isEqualTo(32);
        assertThat(image.getHeight()).isEqualTo(32);
    }

    @Test
    void badWindowsAndFrameListsAre400BeyondTheFrames404OtherTypes406() {
        String instance = study.instancePath(study.rle());
        for (String window : List.of("40", "40,0", "a,b", "40,400,sigmoid", "40,400,linear,1")) {
            assertThat(calls.get(instance + "/rendered?window=" + window, viewer, null).statusCode()).as(window)
                    .isEqualTo(400);
        }
        assertThat(calls.get(instance + "/frames/1,2/rendered", viewer, null).statusCode()).isEqualTo(400);
        assertThat(calls.get(instance + "/frames/3/rendered", viewer, null).statusCode()).isEqualTo(404);
        assertThat(calls.get(instance + "/rendered", viewer, "application/json").statusCode()).isEqualTo(406);
    }

    private static int[] storedValues(byte[] frame) {
        ByteBuffer cells = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        int[] values = new int[frame.length / 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = cells.getShort() & 0xFFFF;
        }
        return values;
    }

    private static int grey(BufferedImage image, int index) {
        return image.getRaster().getSample(index % image.getWidth(), index / image.getWidth(), 0);
    }
}
