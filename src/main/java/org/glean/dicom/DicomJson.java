package org.glean.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A dataset in the DICOM JSON model (PS3.18 §F.2) as plain maps and lists, ready for any JSON
 * writer: each attribute under its tag as eight upper-case hex digits, with its {@code vr} and its
 * {@code Value} (numbers for DS, IS and the binary numeric VRs, {@code {"Alphabetic": ...}} for
 * PN, items for SQ). Binary values (OB, OW, UN, ...) of up to {@link #MAX_INLINE_BINARY} bytes are
 * given as {@code InlineBinary}; larger ones are left out, attribute and all, since a bulk data
 * value is none of a viewer's business beside the frames it fetches on its own.
 */
final class DicomJson {

    /** The largest binary value given inline, in bytes. */
    static final int MAX_INLINE_BINARY = 1024;

    private static final Set<String> BINARY = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "UN");
    private static final Set<String> INTEGERS = Set.of("IS", "SL", "SS", "SV", "UL", "US", "UV");

    private DicomJson() {
    }

    /** Every attribute of {@code attributes} but the File Meta Information (group 0002), in tag order. */
    static Map<String, Object> of(AttributeList attributes) throws DicomException {
        Map<String, Object> json = new LinkedHashMap<>();
        for (Attribute attribute : attributes.values()) {
            AttributeTag tag = attribute.getTag();
            if (tag.getGroup() == 0x0002) {
                continue;
            }
            Map<String, Object> element = element(attribute);
            if (element != null) {
                json.put(String.format("%04X%04X", tag.getGroup(), tag.getElement()), element);
            }
        }
        return json;
    }

    /** One attribute, or null for a binary value too large to give inline. */
    private static Map<String, Object> element(Attribute attribute) throws DicomException {
        String vr = attribute.getVRAsString();
        Map<String, Object> element = new LinkedHashMap<>();
        element.put("vr", vr);
        if (attribute instanceof SequenceAttribute sequence) {
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                items.add(of(sequence.getItem(i).getAttributeList()));
            }
            if (!items.isEmpty()) {
                element.put("Value", items);
            }
            return element;
        }
        if (BINARY.contains(vr)) {
            if (attribute.getVL() > MAX_INLINE_BINARY) {
                return null;
            }
            if (attribute.getVL() > 0) {
                element.put("InlineBinary", Base64.getEncoder().encodeToString(attribute.getByteValues(false)));
            }
            return element;
        }
        if (attribute.getVM() == 0) {
            return element;
        }
        List<Object> values = new ArrayList<>();
        if (attribute instanceof AttributeTagAttribute tags) {
            for (AttributeTag value : tags.getAttributeTagValues()) {
                values.add(String.format("%04X%04X", value.getGroup(), value.getElement()));
            }
        } else if (vr.equals("FL")) {
            // as floats, so that 0.3 is written 0.3 and not as the double nearest the float
            for (float value : attribute.getFloatValues()) {
                values.add(Float.isFinite(value) ? value : null);
            }
        } else if (vr.equals("FD")) {
            for (double value : attribute.getDoubleValues()) {
                values.add(Double.isFinite(value) ? value : null);
            }
        } else {
            for (String value : attribute.getStringValues()) {
                values.add(value(vr, value.strip()));
            }
        }
        element.put("Value", values);
        return element;
    }

    /** One value of a string-encoded VR; null for an empty one (PS3.18 §F.2.5). */
    private static Object value(String vr, String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (vr.equals("PN")) {
            // Alphabetic=Ideographic=Phonetic (PS3.5 §6.2.1)
            String[] groups = text.split("=", -1);
            Map<String, String> name = new LinkedHashMap<>();
            String[] keys = {"Alphabetic", "Ideographic", "Phonetic"};
            for (int i = 0; i < Math.min(groups.length, keys.length); i++) {
                if (!groups[i].isEmpty()) {
                    name.put(keys[i], groups[i]);
                }
            }
            return name;
        }
        try {
            if (INTEGERS.contains(vr)) {
                return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
            }
            if (vr.equals("DS")) {
                double value = Double.parseDouble(text);
                return Double.isFinite(value) ? value : null;
            }
        } catch (NumberFormatException e) {
            // a value the file got wrong stays out rather than becoming a string where a number belongs
            return null;
        }
        return text;
    }
}
