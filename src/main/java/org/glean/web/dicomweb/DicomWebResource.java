package org.glean.web.dicomweb;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.glean.dicom.DicomReader;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.NativeFrames;
import org.glean.dicom.RenderedFrame;
import org.glean.dicom.UnsupportedDicomException;
import org.glean.ingest.StoredFiles;
import org.glean.ingest.StoredFiles.InstanceFile;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.glean.security.WindowedReadAudit;
import org.jboss.logging.Logger;

/**
 * DICOMweb (PS3.18) for viewers, over what Glean stores: WADO-RS frames, rendered frames, metadata
 * and Part-10 retrieval. Translates HTTP, checks the caller's role, reads through {@link StoredFiles} and the
 * {@link DicomReader}, and writes each read to the audit trail before answering.
 */
@Path("/dicomweb/studies")
@RolesAllowed({"annotator", "curator", "admin"})
public class DicomWebResource {

    static final String OCTET_STREAM = "application/octet-stream";
    static final String DICOM = "application/dicom";
    private static final Logger LOG = Logger.getLogger(DicomWebResource.class);
    // Frame numbers are positive integers; more digits than this cannot name a frame.
    private static final int MAX_FRAME_DIGITS = 9;

    private final StoredFiles files;
    private final DicomReader reader;
    private final AuditTrail trail;
    private final WindowedReadAudit framesAudit;
    private final DicomWebCaller caller;
    private final DicomJsonAnswers answers;

    public DicomWebResource(StoredFiles files, DicomReader reader, AuditTrail trail, WindowedReadAudit framesAudit,
            DicomWebCaller caller, DicomJsonAnswers answers) {
        this.files = files;
        this.reader = reader;
        this.trail = trail;
        this.framesAudit = framesAudit;
        this.caller = caller;
        this.answers = answers;
    }

    // ---- frames ----

    @GET
    @Path("{study}/series/{series}/instances/{instance}/frames/{frameList}")
    public Response frames(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("frameList") String frameList,
            @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        if (!AcceptHeader.parse(accept).allows(DicomWebResource::nativeFrames)) {
            throw DicomWebProblem.notAcceptable("frames are answered as multipart/related; type=\"" + OCTET_STREAM
                    + "\" with transfer-syntax=" + NativeFrames.TRANSFER_SYNTAX_UID + " (uncompressed); ask for that");
        }
        List<Integer> numbers = frameNumbers(frameList);
        InstanceFile file = instance(study, series, instance);
        NativeFrames frames = nativeFrames(file, numbers);
        recordFramesRead(study);
        MultipartRelated body = new MultipartRelated(OCTET_STREAM);
        String partType = OCTET_STREAM + "; transfer-syntax=" + NativeFrames.TRANSFER_SYNTAX_UID;
        List<MultipartRelated.Part> parts = frames.frames().stream()
                .map(bytes -> new MultipartRelated.Part(partType, () -> new ByteArrayInputStream(bytes)))
                .toList();
        return Response.ok(body.body(parts), body.contentType()).build();
    }

    /** Whether a range accepts frames as Glean gives them: multipart octet streams, uncompressed. */
    private static boolean nativeFrames(AcceptHeader.MediaRange range) {
        String type = range.parameter("type", OCTET_STREAM);
        String syntax = range.parameter("transfer-syntax", "*");
        return range.covers("multipart", "related") && (type.equals(OCTET_STREAM) || type.equals("*/*"))
                && (syntax.equals("*") || syntax.equals(NativeFrames.TRANSFER_SYNTAX_UID));
    }

    private static List<Integer> frameNumbers(String frameList) {
        List<Integer> numbers = new ArrayList<>();
        for (String item : frameList.split(",", -1)) {
            String number = item.strip();
            if (number.isEmpty() || number.length() > MAX_FRAME_DIGITS || !number.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(number) == 0) {
                throw DicomWebProblem.badRequest("the frame list must be frame numbers from 1, separated by commas"
                        + " (e.g. 1 or 1,3)");
            }
            numbers.add(Integer.parseInt(number));
        }
        return numbers;
    }

    /**
     * The frames decoded, once the numbers are known to name frames of the instance: 404 for one
     * beyond its last frame (that frame resource does not exist), 400 for a list longer than the
     * instance has frames (repeats would otherwise multiply what one request holds in memory).
     */
    private NativeFrames nativeFrames(InstanceFile file, List<Integer> numbers) {
        if (numbers.stream().anyMatch(number -> number > file.numberOfFrames())) {
            throw new DicomWebProblem(Response.Status.NOT_FOUND, "no such frame: the instance has "
                    + file.numberOfFrames() + " frame(s), numbered from 1");
        }
        if (numbers.size() > file.numberOfFrames()) {
            throw DicomWebProblem.badRequest("the frame list names more frames than the instance has ("
                    + file.numberOfFrames() + ")");
        }
        try {
            return reader.readNativeFrames(file.file(), numbers);
        } catch (UnsupportedDicomException e) {
            throw DicomWebProblem.notAcceptable("Glean cannot decode this instance's pixel data (its transfer syntax"
                    + " or pixel format is not supported); retrieve the instance instead");
        } catch (MalformedDicomException e) {
            throw unreadable(e);
        }
    }

    // ---- rendered ----

    @GET
    @Path("{study}/series/{series}/instances/{instance}/rendered")
    public Response renderedInstance(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @QueryParam("window") String window,
            @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        return rendered(study, series, instance, 1, window, accept);
    }

    @GET
    @Path("{study}/series/{series}/instances/{instance}/frames/{frame}/rendered")
    public Response renderedFrame(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("frame") String frame,
            @QueryParam("window") String window, @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        List<Integer> numbers = frameNumbers(frame);
        if (numbers.size() != 1) {
            throw DicomWebProblem.badRequest("a rendered image is one frame: name one frame number");
        }
        return rendered(study, series, instance, numbers.get(0), window, accept);
    }

    /** One frame as PNG (or JPEG when asked for first); a multi-frame instance's rendering is its first frame. */
    private Response rendered(String study, String series, String instance, int frame, String window,
            List<String> accept) {
        String format = AcceptHeader.parse(accept)
                .first(range -> range.covers("image", "png") || range.covers("image", "jpeg"))
                .map(range -> range.covers("image", "png") ? "png" : "jpeg")
                .orElseThrow(() -> DicomWebProblem.notAcceptable("rendered images are answered as image/png or"
                        + " image/jpeg; ask for one of those"));
        RenderedFrame.Window chosen = window(window);
        InstanceFile file = instance(study, series, instance);
        BufferedImage image = RenderedFrame.render(nativeFrames(file, List.of(frame)), 0, chosen);
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, encoded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        recordFramesRead(study);
        return Response.ok(encoded.toByteArray(), "image/" + format).build();
    }

    /** The window query parameter, {@code center,width[,linear]}; null when absent. */
    private static RenderedFrame.Window window(String parameter) {
        if (parameter == null) {
            return null;
        }
        String[] parts = parameter.split(",", -1);
        try {
            if ((parts.length == 2 || parts.length == 3 && parts[2].strip().equals("linear"))) {
                return new RenderedFrame.Window(Double.parseDouble(parts[0].strip()), Double.parseDouble(parts[1].strip()));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the message below: a number that is none, or a width below 1
        }
        throw DicomWebProblem.badRequest("window must be center,width,linear with numbers and a width of at least 1"
                + " (e.g. window=40,400,linear)");
    }

    // ---- metadata ----

    @GET
    @Path("{study}/metadata")
    public Response studyMetadata(@PathParam("study") String study,
            @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        DicomJsonAnswers.requireAccepted(accept);
        return metadata(study, "study", study(study));
    }

    @GET
    @Path("{study}/series/{series}/metadata")
    public Response seriesMetadata(@PathParam("study") String study, @PathParam("series") String series,
            @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        DicomJsonAnswers.requireAccepted(accept);
        return metadata(study, "series", series(study, series));
    }

    @GET
    @Path("{study}/series/{series}/instances/{instance}/metadata")
    public Response instanceMetadata(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        DicomJsonAnswers.requireAccepted(accept);
        return metadata(study, "instance", List.of(instance(study, series, instance)));
    }

    private Response metadata(String study, String level, List<InstanceFile> instances) {
        List<Map<String, Object>> datasets = new ArrayList<>(instances.size());
        for (InstanceFile file : instances) {
            try {
                datasets.add(reader.readMetadata(file.file()));
            } catch (MalformedDicomException | UnsupportedDicomException e) {
                throw unreadable(e);
            }
        }
        trail.append(entry(AuditAction.METADATA_READ, study)
                .detail(level + " metadata, " + instances.size() + " instance(s)"));
        return answers.ok(datasets).build();
    }

    // ---- retrieve: Part-10 files ----

    @GET
    @Path("{study}")
    public Response retrieveStudy(@PathParam("study") String study,
            @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        return retrieve(study, "study", study(study), accept);
    }

    @GET
    @Path("{study}/series/{series}")
    public Response retrieveSeries(@PathParam("study") String study, @PathParam("series") String series,
            @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        return retrieve(study, "series", series(study, series), accept);
    }

    @GET
    @Path("{study}/series/{series}/instances/{instance}")
    public Response retrieveInstance(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        return retrieve(study, "instance", List.of(instance(study, series, instance)), accept);
    }

    /**
     * The files as stored, one part each. A transfer-syntax parameter other than {@code *} must
     * name the syntax every file is stored in: Glean sends what it received and does not transcode.
     */
    private Response retrieve(String study, String level, List<InstanceFile> instances, List<String> accept) {
        AcceptHeader header = AcceptHeader.parse(accept);
        boolean asStored = header.allows(range -> range.covers("multipart", "related")
                && range.parameter("type", DICOM).equals(DICOM)
                && instances.stream().allMatch(file -> storedSyntax(range, file)));
        // One instance may also come as a single application/dicom body, no multipart around it.
        boolean single = instances.size() == 1 && header.allows(range -> range.type().equals("application")
                && range.subtype().equals("dicom") && storedSyntax(range, instances.get(0)));
        if (!asStored && !single) {
            throw DicomWebProblem.notAcceptable("instances are answered as stored, as multipart/related; type=\""
                    + DICOM + "\" with transfer-syntax=* or the syntax they are stored in; Glean does not transcode");
        }
        long bytes = instances.stream().mapToLong(InstanceFile::sizeBytes).sum();
        trail.append(entry(AuditAction.INSTANCES_RETRIEVED, study)
                .detail(level + ", " + instances.size() + " instance(s), " + bytes + " bytes"));
        if (!asStored) {
            InstanceFile file = instances.get(0);
            return Response.ok((StreamingOutput) out -> Files.copy(file.file(), out),
                    DICOM + "; transfer-syntax=" + file.transferSyntaxUid()).build();
        }
        MultipartRelated body = new MultipartRelated(DICOM);
        List<MultipartRelated.Part> parts = instances.stream()
                .map(file -> new MultipartRelated.Part(DICOM + "; transfer-syntax=" + file.transferSyntaxUid(),
                        () -> Files.newInputStream(file.file())))
                .toList();
        return Response.ok(body.body(parts), body.contentType()).build();
    }

    private static boolean storedSyntax(AcceptHeader.MediaRange range, InstanceFile file) {
        String syntax = range.parameter("transfer-syntax", "*");
        return syntax.equals("*") || syntax.equals(file.transferSyntaxUid());
    }

    // ---- shared ----

    private InstanceFile instance(String study, String series, String instance) {
        DicomJsonAnswers.requireUids(study, series, instance);
        return files.instance(study, series, instance).orElseThrow(() -> DicomWebProblem.notFound("instance"));
    }

    private List<InstanceFile> series(String study, String series) {
        DicomJsonAnswers.requireUids(study, series);
        List<InstanceFile> instances = files.series(study, series);
        if (instances.isEmpty()) {
            throw DicomWebProblem.notFound("series");
        }
        return instances;
    }

    private List<InstanceFile> study(String study) {
        DicomJsonAnswers.requireUids(study);
        List<InstanceFile> instances = files.study(study);
        if (instances.isEmpty()) {
            throw DicomWebProblem.notFound("study");
        }
        return instances;
    }

    private void recordFramesRead(String study) {
        framesAudit.record(entry(AuditAction.FRAMES_READ, study)
                .detail("frames or rendered images; more of the study within the audit window are not recorded"));
    }

    private AuditEntry entry(AuditAction action, String study) {
        return AuditEntry.of(caller.actor(), action).study(study);
    }

    /** A stored file Glean accepted once and cannot read now: the store's problem, not the caller's. */
    private static DicomWebProblem unreadable(Exception e) {
        // the message describes the file's structure, never its values
        LOG.errorf("A stored instance could not be read for DICOMweb: %s", e.getMessage());
        return new DicomWebProblem(Response.Status.INTERNAL_SERVER_ERROR, "a stored instance could not be read;"
                + " the server's log says why");
    }
}
