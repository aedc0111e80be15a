
namespace CeasefireWatch.Web.Domain;

/// <summary>
/// How the contract's names read to a person, in English: the record's language (timeline details, emails) and the
/// key of the Ukrainian text in the UI resources (pages show <c>L[x.Label()]</c>). The names themselves stay the form values.
/// </summary>
public static class EnumLabels
{
    public static string Label(this ViolationType type) => type switch
    {
        ViolationType.Shelling => "Shelling / artillery",
        ViolationType.MissileStrike => "Missile strike",
        ViolationType.DroneStrike => "Drone strike",
        ViolationType.AirStrike => "Air strike",
        ViolationType.SmallArmsFire => "Small-arms fire",
        ViolationType.GroundAssault => "Ground assault",
        ViolationType.AirspaceViolation => "Airspace violation",
        _ => "Other",
    };

    public static string Label(this Severity severity) => severity switch
    {
        Severity.Minor => "Minor",
        Severity.Serious => "Serious",
        Severity.Major => "Major — a larger-scale attack",
        _ => severity.ToString(),
    };

    public static string Label(this SourceType source) => source switch
    {
        SourceType.UkrainianForces => "Ukrainian forces",
        SourceType.MonitoringDrone => "Monitoring drone",
        SourceType.GroundSensor => "Ground sensor",
        SourceType.SatelliteImagery => "Satellite imagery",
        SourceType.CoalitionLiaison => "Coalition liaison",
        SourceType.OpenSource => "Open source",
        _ => "Other",
    };

    public static string Label(this TimelineKind kind) => kind switch
    {
        TimelineKind.Reported => "Reported",
        TimelineKind.FollowUpReport => "Follow-up report",
        TimelineKind.StageEntered => "Tier entered",
        TimelineKind.Note => "Note",
        TimelineKind.DiplomaticWarningIssued => "Diplomatic warning issued",
        TimelineKind.Resolved => "Resolved",
        TimelineKind.Reopened => "Reopened",
        TimelineKind.ReportVerified => "Report verified",
        TimelineKind.EscalationHeld => "Escalation held (awaiting verification)",
        TimelineKind.VerificationChanged => "Verification changed",
        TimelineKind.CoalitionAnswer => "Coalition answer",
        TimelineKind.ChecklistItemDone => "Checklist item done",
        TimelineKind.LargerScaleReviewed => "Not a larger-scale attack",
        TimelineKind.Merged => "Merged",
        TimelineKind.MergedStageEntered => "Tier entered (merged incident)",
        _ => kind.ToString(),
    };

    public static string Label(this Verification verification) => verification switch
    {
        Verification.Unverified => "Unverified",
        Verification.Verified => "Verified",
        Verification.Disputed => "Disputed",
        Verification.FalseReport => "False report",
        _ => verification.ToString(),
    };

    public static string Label(this ChecklistItem item) => item switch
    {
        ChecklistItem.DiplomaticWarning => "Diplomatic warning issued",
        ChecklistItem.UkrainianForcesResponse => "Ukrainian forces' response recorded",
        ChecklistItem.LeadsAcknowledged => "Leads (UK, France) acknowledged",
        ChecklistItem.MembersNotified => "Every member notified",
        ChecklistItem.UsBackstopActivation => "US backstop activation recorded",
        _ => item.ToString(),
    };

    public static string Label(this IncidentStatus status) => status switch
    {
        IncidentStatus.Active => "Active",
        IncidentStatus.Resolved => "Resolved",
        IncidentStatus.Dismissed => "Dismissed",
        IncidentStatus.Merged => "Merged",
        _ => status.ToString(),
    };

    public static string Label(this AcknowledgementState state) => state switch
    {
        AcknowledgementState.Notified => "Notified",
        AcknowledgementState.Acknowledged => "Acknowledged",
        AcknowledgementState.Deployed => "Deployed",
        AcknowledgementState.Declined => "Declined",
        _ => state.ToString(),
    };
}
