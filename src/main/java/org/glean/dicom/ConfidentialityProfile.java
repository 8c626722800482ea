package org.glean.dicom;

import static org.glean.dicom.ConfidentialityProfile.Action.D;
import static org.glean.dicom.ConfidentialityProfile.Action.X;
import static org.glean.dicom.ConfidentialityProfile.Action.Z;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.ValueRepresentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * DICOM PS3.15 Annex E, the Basic Application Level Confidentiality Profile, as Glean applies it to
 * every instance that leaves it: the rows of Table E.1-1 (edition 2023b) for the attributes an image
 * can carry, each with the standard's action code, applied at every level of nesting. No option of
 * the profile is claimed, so nothing is kept that the basic profile removes: not the dates
 * (Retain Longitudinal Temporal Information: Glean's exports are for training, which needs none),
 * not UIDs, device or institution identity, patient characteristics or descriptions.
 *
 * <p>Where the table gives a choice (X/Z, X/D, Z/D, X/Z/D, X/Z/U*: "X unless Z or D is required to
 * keep the IOD conformant", PS3.15 E.1.1) the row says which action Glean takes: the one that keeps
 * the attribute as required as it is in the strictest image IOD Glean analyses (CT, MR, CR, DX, MG,
 * XA, RF, US, NM, PET, secondary capture, and their enhanced multi-frame forms).
 *
 * <p>Beyond the table: every private attribute is removed (the table's "private attributes X",
 * without the Retain Safe Private option), so are whole overlay (60xx) and curve (50xx) groups (the
 * table removes their data and comments, which leaves the rest of the group meaningless), and any
 * person name, date, time or date-time the table does not name, so that attributes newer than the
 * table cannot carry a name or a date out. A sequence whose action is D or Z is left empty: Glean
 * does not invent dummy items.
 */
public final class ConfidentialityProfile {

    /**
     * The action codes of PS3.15 E.1.1 that the basic profile uses. C (clean) is not among them:
     * it appears only in the columns of the Clean options, which Glean does not claim.
     */
    public enum Action {
        /** Replace with a non-zero-length dummy value consistent with the VR. */
        D,
        /** Replace with a zero-length value. */
        Z,
        /** Remove. */
        X,
        /** Keep: a value unchanged, a sequence with its items cleaned. What every unlisted attribute gets. */
        K,
        /** Replace with a UID that stands for the original consistently (the pseudonymous UID map). */
        U
    }

    /**
     * A row of Table E.1-1.
     *
     * @param code   the standard's action code, a single one ("Z") or a choice ("X/Z/D")
     * @param action the action Glean takes: the code itself, or the choice it makes
     */
    record Rule(String code, Action action) {
    }

    /** De-identification Method Code Sequence (0012,0064): PS3.16 CID 7050. */
    static final String BASIC_PROFILE_CODE = "113100";
    static final String BASIC_PROFILE_MEANING = "Basic Application Confidentiality Profile";
    static final String METHOD = "PS3.15 Annex E Basic Application Level Confidentiality Profile";

    private static final Map<String, Set<Action>> CHOICES = Map.of(
            "Z/D", EnumSet.of(Z, D), "X/Z", EnumSet.of(X, Z), "X/D", EnumSet.of(X, D),
            "X/Z/D", EnumSet.of(X, Z, D), "X/Z/U*", EnumSet.of(X, Z, Action.U));

    private static final Map<AttributeTag, Rule> TABLE = new HashMap<>();

    static {
        rows("U",
                // (0008,xxxx)
                TagFromName.InstanceCreatorUID, TagFromName.SOPInstanceUID, TagFromName.AcquisitionUID,
                TagFromName.PyramidUID, TagFromName.ReferencedSOPInstanceUID, tag("TransactionUID"),
                TagFromName.IrradiationEventUID,
                // (0018,xxxx)
                TagFromName.DeviceUID, tag("TargetUID"), TagFromName.ManufacturerDeviceClassUID,
                // (0020,xxxx)
                TagFromName.StudyInstanceUID, TagFromName.SeriesInstanceUID, TagFromName.FrameOfReferenceUID,
                TagFromName.SynchronizationFrameOfReferenceUID, TagFromName.ConcatenationUID,
                TagFromName.DimensionOrganizationUID,
                // (0028,xxxx)
                TagFromName.PaletteColorLookupTableUID, tag("LargePaletteColorLookupTableUID"),
                // (003a,xxxx)
                tag("MultiplexGroupUID"),
                // (0040,xxxx)
                TagFromName.SpecimenUID, TagFromName.ReferencedGeneralPurposeScheduledProcedureStepTransactionUID,
                TagFromName.UID, TagFromName.ObservationUID, TagFromName.TemplateExtensionOrganizationUID,
                TagFromName.TemplateExtensionCreatorUID,
                // (0062,xxxx)
                TagFromName.TrackingUID,
                // (0064,xxxx)
                tag("SourceFrameOfReferenceUID"),
                // (0070,xxxx)
                TagFromName.FiducialUID, tag("PresentationDisplayCollectionUID"),
                tag("PresentationSequenceCollectionUID"),
                // (0088,xxxx)
                TagFromName.StorageMediaFileSetUID,
                // (0400,xxxx)
                TagFromName.DigitalSignatureUID,
                // (3006,xxxx)
                TagFromName.ReferencedFrameOfReferenceUID, TagFromName.RelatedFrameOfReferenceUID);

        rows("Z",
                // (0008,xxxx)
                TagFromName.StudyDate, TagFromName.StudyTime, TagFromName.AccessionNumber,
                TagFromName.ReferringPhysicianName, TagFromName.ConsultingPhysicianName,
                // (0010,xxxx)
                TagFromName.PatientName, TagFromName.PatientID, TagFromName.PatientBirthDate, TagFromName.PatientSex,
                // (0012,xxxx)
                TagFromName.ClinicalTrialProtocolName, TagFromName.ClinicalTrialSiteID,
                TagFromName.ClinicalTrialSiteName, TagFromName.ClinicalTrialTimePointID,
                TagFromName.ClinicalTrialCoordinatingCenterName,
                // (0020,xxxx)
                TagFromName.StudyID,
                // (0040,xxxx)
                TagFromName.PlacerOrderNumberImagingServiceRequest,
                TagFromName.FillerOrderNumberImagingServiceRequest, tag("ParticipationDateTime"),
                TagFromName.VerifyingObserverIdentificationCodeSequence,
                // (0400,xxxx)
                TagFromName.SourceOfPreviousValues);

        rows("D",
                // (0008,xxxx)
                tag("ContextGroupVersion"), tag("ContextGroupLocalVersion"),
                // (0012,xxxx)
                TagFromName.ClinicalTrialSponsorName, TagFromName.ClinicalTrialProtocolID,
                TagFromName.ClinicalTrialSubjectID, TagFromName.ClinicalTrialSubjectReadingID,
                TagFromName.ClinicalTrialProtocolEthicsCommitteeName,
                // (0018,xxxx)
                TagFromName.FrameAcquisitionDateTime, TagFromName.FrameReferenceDateTime, tag("XRaySourceID"),
                tag("XRayDetectorID"), tag("SourceStartDateTime"), tag("SourceEndDateTime"),
                tag("DecayCorrectionDateTime"), tag("ExclusionStartDateTime"), tag("FunctionalSyncPulse"),
                tag("AcquisitionFieldOfViewLabel"),
                // (0040,xxxx)
                TagFromName.PersonIdentificationCodeSequence, TagFromName.VerifyingOrganization,
                TagFromName.VerificationDateTime, TagFromName.VerifyingObserverSequence,
                TagFromName.VerifyingObserverName, TagFromName.DateTime, TagFromName.Date, TagFromName.Time,
                TagFromName.PersonName, TagFromName.ReferencedDateTime, TagFromName.ContentSequence,
                // (0070,xxxx)
                TagFromName.GraphicAnnotationSequence,
                // (0400,xxxx)
                tag("DigitalSignatureDateTime"), tag("CertificateOfSigner"),
                TagFromName.AttributeModificationDateTime, TagFromName.ModifyingSystem,
                TagFromName.ReasonForTheAttributeModification);

        rows("X",
                // (0008,xxxx)
                TagFromName.InstanceCoercionDateTime, TagFromName.OverlayDate, TagFromName.CurveDate,
                TagFromName.OverlayTime, TagFromName.CurveTime, TagFromName.RetrieveAETitle, tag("StationAETitle"),
                TagFromName.InstitutionAddress, TagFromName.ReferringPhysicianAddress,
                TagFromName.ReferringPhysicianTelephoneNumbers, TagFromName.ReferringPhysicianIdentificationSequence,
                TagFromName.ConsultingPhysicianIdentificationSequence, TagFromName.TimezoneOffsetFromUTC,
                tag("NetworkID"), TagFromName.StudyDescription, TagFromName.SeriesDescription,
                TagFromName.InstitutionalDepartmentName, tag("InstitutionalDepartmentTypeCodeSequence"),
                TagFromName.PhysiciansOfRecord, TagFromName.PhysiciansOfRecordIdentificationSequence,
                TagFromName.PerformingPhysicianName, TagFromName.PerformingPhysicianIdentificationSequence,
                TagFromName.NameOfPhysiciansReadingStudy, TagFromName.PhysiciansReadingStudyIdentificationSequence,
                TagFromName.AdmittingDiagnosesDescription, TagFromName.AdmittingDiagnosesCodeSequence,
                tag("PyramidDescription"), TagFromName.ReferencedPatientSequence, TagFromName.DerivationDescription,
                TagFromName.IdentifyingComments,
                // (0010,xxxx)
                TagFromName.IssuerOfPatientID, TagFromName.PatientBirthTime,
                TagFromName.PatientInsurancePlanCodeSequence, TagFromName.PatientPrimaryLanguageCodeSequence,
                TagFromName.PatientPrimaryLanguageModifierCodeSequence, TagFromName.OtherPatientIDs,
                TagFromName.OtherPatientNames, TagFromName.OtherPatientIDsSequence, tag("PatientBirthName"),
                TagFromName.PatientAge, TagFromName.PatientSize, TagFromName.PatientWeight,
                TagFromName.PatientAddress, TagFromName.InsurancePlanIdentification,
                TagFromName.PatientMotherBirthName, TagFromName.MilitaryRank, TagFromName.BranchOfService,
                TagFromName.MedicalRecordLocator, TagFromName.ReferencedPatientPhotoSequence,
                TagFromName.MedicalAlerts, TagFromName.Allergies, TagFromName.CountryOfResidence,
                TagFromName.RegionOfResidence, TagFromName.PatientTelephoneNumbers, tag("PatientTelecomInformation"),
                TagFromName.EthnicGroup, TagFromName.Occupation, TagFromName.SmokingStatus,
                TagFromName.AdditionalPatientHistory, TagFromName.PregnancyStatus, TagFromName.LastMenstrualDate,
                TagFromName.PatientReligiousPreference, TagFromName.ResponsiblePerson,
                TagFromName.ResponsibleOrganization, TagFromName.PatientComments,
                // (0012,xxxx)
                TagFromName.ClinicalTrialTimePointDescription, TagFromName.ClinicalTrialSeriesID,
                TagFromName.ClinicalTrialSeriesDescription,
                TagFromName.ClinicalTrialProtocolEthicsCommitteeApprovalNumber,
                // (0018,xxxx)
                TagFromName.PlateID, TagFromName.GeneratorID, TagFromName.CassetteID, TagFromName.GantryID,
                tag("UniqueDeviceIdentifier"), TagFromName.UDISequence, TagFromName.DateOfSecondaryCapture,
                TagFromName.TimeOfSecondaryCapture, TagFromName.ContrastBolusStartTime,
                TagFromName.ContrastBolusStopTime, TagFromName.RadiopharmaceuticalStartTime,
                tag("RadiopharmaceuticalStopTime"), TagFromName.RadiopharmaceuticalStartDateTime,
                tag("RadiopharmaceuticalStopDateTime"), TagFromName.DateOfLastCalibration,
                TagFromName.TimeOfLastCalibration, tag("DateTimeOfLastCalibration"), TagFromName.AcquisitionComments,
                tag("TransducerIdentificationSequence"), tag("RespiratoryMotionCompensationTechniqueDescription"),
                tag("XRayDetectorLabel"), TagFromName.AcquisitionProtocolDescription,
                tag("MultienergyAcquisitionDescription"), tag("DecompositionDescription"),
                tag("RequestedSeriesDescription"), tag("ContributionDateTime"), TagFromName.ContributionDescription,
                // (0020,xxxx)
                tag("PyramidLabel"), TagFromName.ModifyingDeviceID, tag("ModifiedImageDate"),
                tag("ModifiedImageTime"), TagFromName.ModifiedImageDescription, TagFromName.ImageComments,
                TagFromName.FrameComments,
                // (0028,xxxx)
                TagFromName.ImagePresentationComments,
                // (0032,xxxx)
                TagFromName.StudyIDIssuer, tag("StudyVerifiedDate"), tag("StudyVerifiedTime"), tag("StudyReadDate"),
                tag("StudyReadTime"), tag("ScheduledStudyStartDate"), tag("ScheduledStudyStartTime"),
                tag("ScheduledStudyStopDate"), tag("ScheduledStudyStopTime"), TagFromName.ScheduledStudyLocation,
                TagFromName.ScheduledStudyLocationAETitle, TagFromName.ReasonForStudy,
                TagFromName.RequestingPhysician, TagFromName.RequestingService, tag("StudyArrivalDate"),
                tag("StudyArrivalTime"), tag("StudyCompletionDate"), tag("StudyCompletionTime"),
                tag("ReasonForVisit"), tag("ReasonForVisitCodeSequence"), tag("RequestedContrastAgent"),
                TagFromName.StudyComments,
                // (0038,xxxx)
                TagFromName.ReferencedPatientAliasSequence, TagFromName.AdmissionID, TagFromName.IssuerOfAdmissionID,
                TagFromName.IssuerOfAdmissionIDSequence, tag("ScheduledAdmissionDate"),
                tag("ScheduledAdmissionTime"), tag("ScheduledDischargeDate"), tag("ScheduledDischargeTime"),
                TagFromName.ScheduledPatientInstitutionResidence, TagFromName.AdmittingDate,
                TagFromName.AdmittingTime, tag("DischargeDate"), tag("DischargeTime"),
                TagFromName.DischargeDiagnosisDescription, TagFromName.SpecialNeeds, TagFromName.ServiceEpisodeID,
                TagFromName.IssuerOfServiceEpisodeID, TagFromName.ServiceEpisodeDescription,
                TagFromName.IssuerOfServiceEpisodeIDSequence, TagFromName.CurrentPatientLocation,
                TagFromName.PatientInstitutionResidence, TagFromName.PatientState, TagFromName.VisitComments,
                // (0040,xxxx)
                TagFromName.ScheduledStationAETitle, TagFromName.ScheduledProcedureStepStartDate,
                TagFromName.ScheduledProcedureStepStartTime, TagFromName.ScheduledProcedureStepEndDate,
                TagFromName.ScheduledProcedureStepEndTime, TagFromName.ScheduledPerformingPhysicianName,
                TagFromName.ScheduledProcedureStepDescription, tag("ScheduledProcedureStepID"),
                TagFromName.ScheduledPerformingPhysicianIdentificationSequence, TagFromName.ScheduledStationName,
                TagFromName.ScheduledProcedureStepLocation, TagFromName.PreMedication,
                tag("PerformedStationAETitle"), tag("PerformedStationName"), TagFromName.PerformedLocation,
                TagFromName.PerformedProcedureStepStartDate, TagFromName.PerformedProcedureStepStartTime,
                tag("PerformedProcedureStepEndDate"), tag("PerformedProcedureStepEndTime"),
                TagFromName.PerformedProcedureStepID, TagFromName.PerformedProcedureStepDescription,
                TagFromName.RequestAttributesSequence, TagFromName.CommentsOnThePerformedProcedureStep,
                tag("CommentsOnRadiationDose"), TagFromName.RequestedProcedureID,
                TagFromName.ReasonForTheRequestedProcedure, TagFromName.PatientTransportArrangements,
                TagFromName.RequestedProcedureLocation, TagFromName.ReasonForRequestedProcedureCodeSequence,
                TagFromName.NamesOfIntendedRecipientsOfResults,
                tag("IntendedRecipientsOfResultsIdentificationSequence"), TagFromName.PersonAddress,
                TagFromName.PersonTelephoneNumbers, tag("PersonTelecomInformation"),
                TagFromName.RequestedProcedureComments, TagFromName.ReasonForTheImagingServiceRequest,
                tag("IssueDateOfImagingServiceRequest"), tag("IssueTimeOfImagingServiceRequest"),
                TagFromName.OrderEnteredBy, TagFromName.OrderEntererLocation, TagFromName.OrderCallbackPhoneNumber,
                tag("OrderCallbackTelecomInformation"), TagFromName.ImagingServiceRequestComments,
                TagFromName.ConfidentialityConstraintOnPatientDataDescription,
                tag("ScheduledProcedureStepStartDateTime"), tag("ScheduledProcedureStepExpirationDateTime"),
                tag("ScheduledProcedureStepModificationDateTime"), tag("ExpectedCompletionDateTime"),
                TagFromName.ScheduledStationNameCodeSequence,
                TagFromName.ScheduledStationGeographicLocationCodeSequence,
                TagFromName.PerformedStationNameCodeSequence,
                TagFromName.PerformedStationGeographicLocationCodeSequence,
                TagFromName.ScheduledHumanPerformersSequence, TagFromName.ActualHumanPerformersSequence,
                TagFromName.HumanPerformerOrganization, TagFromName.HumanPerformerName,
                tag("PerformedProcedureStepStartDateTime"), tag("PerformedProcedureStepEndDateTime"),
                tag("ProcedureStepCancellationDateTime"), tag("ObservationStartDateTime"),
                tag("AuthorObserverSequence"), TagFromName.ParticipantSequence, tag("CustodialOrganizationSequence"),
                tag("TemplateVersion"), tag("TemplateLocalVersion"), tag("HL7DocumentEffectiveTime"),
                // (0050,xxxx)
                tag("DeviceDescription"), tag("LongDeviceDescription"), tag("ContainerComponentID"),
                // (0070,xxxx)
                TagFromName.PresentationCreationDate, TagFromName.PresentationCreationTime,
                TagFromName.ContentCreatorIdentificationCodeSequence,
                // (0088,xxxx)
                TagFromName.IconImageSequence, TagFromName.TopicTitle, TagFromName.TopicSubject,
                TagFromName.TopicAuthor, TagFromName.TopicKeywords,
                // (0400,xxxx)
                tag("CertifiedTimestamp"), TagFromName.ReferencedDigitalSignatureSequence,
                TagFromName.ReferencedSOPInstanceMACSequence, TagFromName.MAC,
                TagFromName.ModifiedAttributesSequence, tag("NonconformingModifiedAttributesSequence"),
                tag("NonconformingDataElementValue"), TagFromName.OriginalAttributesSequence,
                TagFromName.InstanceOriginStatus,
                // (2030,xxxx)
                TagFromName.TextString,
                // (4000,xxxx)
                TagFromName.Arbitrary, TagFromName.TextComments,
                // (4008,xxxx)
                TagFromName.ResultsID, TagFromName.ResultsIDIssuer, tag("InterpretationRecordedDate"),
                tag("InterpretationRecordedTime"), TagFromName.InterpretationRecorder,
                tag("InterpretationTranscriptionDate"), tag("InterpretationTranscriptionTime"),
                TagFromName.InterpretationTranscriber, TagFromName.InterpretationText,
                TagFromName.InterpretationAuthor, TagFromName.InterpretationApproverSequence,
                tag("InterpretationApprovalDate"), tag("InterpretationApprovalTime"),
                TagFromName.PhysicianApprovingInterpretation, TagFromName.InterpretationDiagnosisDescription,
                TagFromName.ResultsDistributionListSequence, TagFromName.DistributionName,
                TagFromName.DistributionAddress, tag("InterpretationID"), TagFromName.InterpretationIDIssuer,
                TagFromName.Impressions, TagFromName.ResultsComments,
                // (fffa,xxxx)
                TagFromName.DigitalSignaturesSequence,
                // (fffc,xxxx)
                TagFromName.DataSetTrailingPadding);

        // Choices: X where the attribute is Type 3 in every image IOD Glean analyses, else as noted.
        row(TagFromName.InstanceCreationDate, "X/D", X);
        row(TagFromName.InstanceCreationTime, "X/Z/D", X);
        row(TagFromName.SeriesDate, "X/D", D); // Type 1 in the PET Series module
        row(TagFromName.SeriesTime, "X/D", D); // Type 1 in the PET Series module
        row(TagFromName.AcquisitionDate, "X/Z", Z); // Type 2 in the PET Image module
        row(TagFromName.AcquisitionTime, "X/Z", Z); // Type 2 in the PET Image module
        row(TagFromName.ContentDate, "Z/D", D); // Type 1 in enhanced (multi-frame functional group) images
        row(TagFromName.ContentTime, "Z/D", D); // Type 1 in enhanced (multi-frame functional group) images
        row(TagFromName.AcquisitionDateTime, "X/Z/D", D); // Type 1C in the Enhanced CT and MR Image modules
        row(TagFromName.InstitutionName, "X/Z/D", X);
        row(TagFromName.InstitutionCodeSequence, "X/Z/D", X);
        row(TagFromName.StationName, "X/Z/D", X);
        row(TagFromName.OperatorsName, "X/Z/D", X);
        row(TagFromName.OperatorIdentificationSequence, "X/D", X);
        row(TagFromName.ReferencedStudySequence, "X/Z", X);
        row(TagFromName.ReferencedPerformedProcedureStepSequence, "X/Z/D", X);
        row(TagFromName.ReferencedImageSequence, "X/Z/U*", X);
        row(TagFromName.SourceImageSequence, "X/Z/U*", X);
        row(TagFromName.PatientSexNeutered, "X/Z", Z); // Type 2C: present for animals, where it is required
        row(TagFromName.ContrastBolusAgent, "Z/D", Z); // Type 2 in the Contrast/Bolus module
        row(TagFromName.DeviceSerialNumber, "X/Z/D", D); // Type 1 in the Enhanced General Equipment module
        row(TagFromName.ProtocolName, "X/D", X);
        row(tag("AcquisitionDeviceProcessingDescription"), "X/D", X);
        row(TagFromName.DetectorID, "X/D", X);
        row(tag("DateOfLastDetectorCalibration"), "X/D", X);
        row(tag("TimeOfLastDetectorCalibration"), "X/D", X);
        row(tag("StartAcquisitionDateTime"), "X/D", X);
        row(tag("EndAcquisitionDateTime"), "X/D", X);
        row(TagFromName.RequestedProcedureDescription, "X/Z", X);
        row(TagFromName.AcquisitionContextSequence, "X/Z", Z); // Type 2 in the Acquisition Context module
        row(TagFromName.ObservationDateTime, "X/D", X);
        row(TagFromName.ContentCreatorName, "Z/D", Z); // Type 2 in presentation states
    }

    private ConfidentialityProfile() {
    }

    /**
     * De-identifies a data set in place: every attribute, at every level of nesting, gets its
     * action; the UIDs to replace are looked up in {@code pseudonyms} all at once. Then Patient
     * Identity Removed (0012,0062) YES, De-identification Method (0012,0063) and its Code
     * Sequence (0012,0064), and Longitudinal Temporal Information Modified (0028,0303) REMOVED are
     * set. The File Meta Information is the writer's to replace.
     */
    public static void apply(AttributeList dataset, UidPseudonyms pseudonyms) throws DicomException {
        Set<String> originals = new LinkedHashSet<>();
        collectUids(dataset, originals);
        Map<String, String> replacements = originals.isEmpty() ? Map.of() : pseudonyms.pseudonymsOf(originals);
        if (!replacements.keySet().containsAll(originals)) {
            throw new IllegalStateException("the pseudonym map left UIDs without a pseudonym");
        }
        clean(dataset, replacements);
        dataset.put(codeString(TagFromName.PatientIdentityRemoved, "YES"));
        LongStringAttribute method = new LongStringAttribute(TagFromName.DeidentificationMethod);
        method.addValue(METHOD);
        dataset.put(method);
        dataset.put(methodCode());
        dataset.put(codeString(TagFromName.LongitudinalTemporalInformationModified, "REMOVED"));
    }

    /** The action for an attribute with this tag and value representation, wherever it occurs. */
    public static Action actionFor(AttributeTag tag, byte[] vr) {
        if (tag.isPrivate() || tag.isOverlayGroup() || tag.isCurveGroup()) {
            return X;
        }
        Rule rule = TABLE.get(tag);
        if (rule != null) {
            return rule.action();
        }
        boolean nameOrTime = ValueRepresentation.isPersonNameVR(vr) || ValueRepresentation.isDateVR(vr)
                || ValueRepresentation.isTimeVR(vr) || ValueRepresentation.isDateTimeVR(vr);
        return nameOrTime ? X : Action.K;
    }

    /** The table's row for the attribute, if it has one. */
    static Optional<Rule> rule(AttributeTag tag) {
        return Optional.ofNullable(TABLE.get(tag));
    }

    // The values of every attribute that gets U; a sequence that is kept is searched too.
    private static void collectUids(AttributeList list, Set<String> into) throws DicomException {
        for (Attribute attribute : list.values()) {
            Action action = actionFor(attribute.getTag(), attribute.getVR());
            if (attribute instanceof SequenceAttribute sequence) {
                if (action == Action.K || action == Action.U) {
                    for (AttributeList item : items(sequence)) {
                        collectUids(item, into);
                    }
                }
            } else if (action == Action.U) {
                String[] values = attribute.getStringValues();
                if (values != null) {
                    into.addAll(Arrays.asList(values));
                }
            }
        }
    }

    private static void clean(AttributeList list, Map<String, String> replacements) throws DicomException {
        for (Attribute attribute : new ArrayList<>(list.values())) {
            AttributeTag tag = attribute.getTag();
            byte[] vr = attribute.getVR();
            Action action = actionFor(tag, vr);
            if (action == X) {
                list.remove(tag);
            } else if (action == Z || action == D && attribute instanceof SequenceAttribute) {
                list.put(attribute instanceof SequenceAttribute ? new SequenceAttribute(tag)
                        : AttributeFactory.newAttribute(tag, vr));
            } else if (action == D) {
                list.put(dummy(tag, vr));
            } else if (attribute instanceof SequenceAttribute sequence) {
                // K, or U on a sequence: its items are cleaned, which replaces the UIDs they hold
                for (AttributeList item : items(sequence)) {
                    clean(item, replacements);
                }
            } else if (ValueRepresentation.isUniqueIdentifierVR(vr)) {
                // U; and a kept UID that is also one being replaced (a reference the table does not
                // name) gets the same pseudonym, so that references stay intact
                replaceUids(list, attribute, replacements);
            }
        }
    }

    private static void replaceUids(AttributeList list, Attribute attribute, Map<String, String> replacements)
            throws DicomException {
        String[] values = attribute.getStringValues();
        if (values == null || Arrays.stream(values).noneMatch(replacements::containsKey)) {
            return;
        }
        UniqueIdentifierAttribute replaced = new UniqueIdentifierAttribute(attribute.getTag());
        for (String value : values) {
            replaced.addValue(replacements.getOrDefault(value, value));
        }
        list.put(replaced);
    }

    private static Attribute dummy(AttributeTag tag, byte[] vr) throws DicomException {
        Attribute attribute = AttributeFactory.newAttribute(tag, vr);
        if (ValueRepresentation.isOtherByteVR(vr) || ValueRepresentation.isUnknownVR(vr)) {
            attribute.setValues(new byte[2]);
        } else if (ValueRepresentation.isDateVR(vr)) {
            attribute.addValue("19000101");
        } else if (ValueRepresentation.isTimeVR(vr)) {
            attribute.addValue("000000");
        } else if (ValueRepresentation.isDateTimeVR(vr)) {
            attribute.addValue("19000101000000");
        } else {
            attribute.addValue("REMOVED"); // every text VR of a D row holds it (CS, LO, PN, SH, UC)
        }
        return attribute;
    }

    private static SequenceAttribute methodCode() throws DicomException {
        AttributeList code = new AttributeList();
        ShortStringAttribute value = new ShortStringAttribute(TagFromName.CodeValue);
        value.addValue(BASIC_PROFILE_CODE);
        code.put(value);
        ShortStringAttribute scheme = new ShortStringAttribute(TagFromName.CodingSchemeDesignator);
        scheme.addValue("DCM");
        code.put(scheme);
        LongStringAttribute meaning = new LongStringAttribute(TagFromName.CodeMeaning);
        meaning.addValue(BASIC_PROFILE_MEANING);
        code.put(meaning);
        SequenceAttribute sequence = new SequenceAttribute(TagFromName.DeidentificationMethodCodeSequence);
        sequence.addItem(code);
        return sequence;
    }

    private static CodeStringAttribute codeString(AttributeTag tag, String value) throws DicomException {
        CodeStringAttribute attribute = new CodeStringAttribute(tag);
        attribute.addValue(value);
        return attribute;
    }

    private static List<AttributeList> items(SequenceAttribute sequence) {
        List<AttributeList> items = new ArrayList<>(sequence.getNumberOfItems());
        for (int i = 0; i < sequence.getNumberOfItems(); i++) {
            items.add(sequence.getItem(i).getAttributeList());
        }
        return items;
    }

    private static void rows(String code, AttributeTag... tags) {
        for (AttributeTag tag : tags) {
            put(tag, new Rule(code, Action.valueOf(code)));
        }
    }

    private static void row(AttributeTag tag, String code, Action chosen) {
        if (!CHOICES.getOrDefault(code, Set.of()).contains(chosen)) {
            throw new IllegalStateException(code + " offers no " + chosen + " (" + tag + ")");
        }
        put(tag, new Rule(code, chosen));
    }

    private static void put(AttributeTag tag, Rule rule) {
        if (TABLE.put(tag, rule) != null) {
            throw new IllegalStateException("Table E.1-1 names " + tag + " twice");
        }
    }

    // The standard's keyword, for attributes newer than PixelMed's TagFromName constants.
    private static AttributeTag tag(String keyword) {
        AttributeTag tag = DicomDictionary.StandardDictionary.getTagFromName(keyword);
        if (tag == null) {
            throw new IllegalStateException("PixelMed's dictionary has no " + keyword);
        }
        return tag;
    }
}
