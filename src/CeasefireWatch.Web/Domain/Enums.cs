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
}
