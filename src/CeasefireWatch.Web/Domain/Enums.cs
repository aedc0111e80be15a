namespace CeasefireWatch.Web.Domain;

/// <summary>The response tiers of the post-ceasefire security framework, in escalation order.</summary>
public enum Stage
{
    /// <summary>Tier 1 (0–24 h): Ukrainian armed forces act; a diplomatic warning is issued.</summary>
    UkrainianForces = 1,

    /// <summary>Tier 2 (24–72 h): forces of the Coalition of the Willing, led by the UK and France.</summary>
    Coalition = 2,

    /// <summary>Tier 3 (from 72 h): Western-led joint response with the US as backstop.</summary>
    UsBackstop = 3,
}

public enum IncidentStatus
{
    /// <summary>Hostilities continuing: the escalation clock runs.</summary>
    Active,

    /// <summary>Hostilities ceased: the clock stopped at <c>CeasedAt</c>.</summary>
    Resolved,

    /// <summary>A false report: a supervisor found it did not happen; the clock stopped.</summary>
    Dismissed,

    /// <summary>Folded into another incident (<c>MergedIntoId</c>): the same violation, reported twice.</summary>
    Merged,
}

/// <summary>Whether the incident itself (not one report) has been confirmed, set by a supervisor.</summary>
public enum Verification
{
    Unverified,
    Verified,
    Disputed,

    /// <summary>It did not happen: the incident is dismissed.</summary>
    FalseReport,
}

/// <summary>A coalition member's answer to an incident that reached tier 2.</summary>
public enum AcknowledgementState
{
    Notified,
    Acknowledged,
    Deployed,
    Declined,
}

/// <summary>What is owed at each tier (the tier checklist).</summary>
public enum ChecklistItem
{
    /// <summary>Tier 1: the diplomatic warning was issued (to whom, by which channel).</summary>
    DiplomaticWarning,

    /// <summary>Tier 1: the Ukrainian forces' response was recorded.</summary>
    UkrainianForcesResponse,

    /// <summary>Tier 2: the leads (the UK and France) acknowledged.</summary>
    LeadsAcknowledged,

    /// <summary>Tier 2: every coalition member was notified (has an answer of any kind).</summary>
    MembersNotified,

    /// <summary>Tier 3: the US backstop's activation was recorded.</summary>
    UsBackstopActivation,
}

public enum ViolationType
{
    Shelling,
    MissileStrike,
    DroneStrike,
    AirStrike,
    SmallArmsFire,
    GroundAssault,
    AirspaceViolation,
    Other,
}

public enum Severity
{
    Minor,
    Serious,

    /// <summary>A larger-scale attack: the trigger for tier 3.</summary>
    Major,
}

public enum SourceType
{
    UkrainianForces,
    MonitoringDrone,
    GroundSensor,
    SatelliteImagery,
    CoalitionLiaison,
    OpenSource,
    Other,
}

public enum TimelineKind
{
    Reported,
    FollowUpReport,
    StageEntered,
    Note,
    DiplomaticWarningIssued,
    Resolved,
    Reopened,
    ReportVerified,

    /// <summary>Tier 2 fell due but the incident is not verified (<c>Escalation:RequireVerificationBeyondTier1</c>).</summary>
    EscalationHeld,
    VerificationChanged,
    CoalitionAnswer,
    ChecklistItemDone,

    /// <summary>A supervisor judged that a Major report was not a larger-scale attack (no tier 3 for it).</summary>
    LargerScaleReviewed,

    /// <summary>On the survivor: another incident was merged into it. On the other: it was merged away.</summary>
    Merged,

    /// <summary>A tier change of a merged incident, kept on the survivor as a record (the survivor's own tier changes stay one per tier).</summary>
    MergedStageEntered,
}
