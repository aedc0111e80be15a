namespace CeasefireWatch.Web.Domain;

/// <summary>What one report says happened. The first report opens an incident; later ones are follow-ups.</summary>
public sealed record ReportDetails(
    DateTime OccurredAt,
    string Oblast,
    string Location,
    ViolationType ViolationType,
    Severity Severity,
    SourceType SourceType,
    string Description,
    double? Latitude = null,
    double? Longitude = null,
    int? Killed = null,
    int? Wounded = null);

/// <summary>One violation report attached to an incident, as it was received.</summary>
public sealed class ViolationReport
{
    private ViolationReport()
    {
    }

    internal ViolationReport(ReportDetails details, bool isInitial, DateTime reportedAt, string reportedBy)
    {
        OccurredAt = details.OccurredAt;
        Oblast = details.Oblast;
        Location = details.Location;
        Latitude = details.Latitude;
        Longitude = details.Longitude;
        ViolationType = details.ViolationType;
        Severity = details.Severity;
        SourceType = details.SourceType;
        Description = details.Description;
        Killed = details.Killed;
        Wounded = details.Wounded;
        IsInitial = isInitial;
        ReportedAt = reportedAt;
        ReportedBy = reportedBy;
    }

    public long Id { get; private set; }

    public int IncidentId { get; private set; }

    public bool IsInitial { get; private set; }

    public DateTime OccurredAt { get; private set; }

    public DateTime ReportedAt { get; private set; }

    public string ReportedBy { get; private set; } = string.Empty;

    public string Oblast { get; private set; } = string.Empty;

    public string Location { get; private set; } = string.Empty;

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public ViolationType ViolationType { get; private set; }

    public Severity Severity { get; private set; }

    public SourceType SourceType { get; private set; }

    public string Description { get; private set; } = string.Empty;

    public int? Killed { get; private set; }

    public int? Wounded { get; private set; }

    /// <summary>When a supervisor confirmed this report (null while unverified).</summary>
    public DateTime? VerifiedAt { get; private set; }

    /// <summary>Who confirmed it: a user or an API key's name.</summary>
    public string? VerifiedBy { get; private set; }

    /// <summary>The reference of the incident this report was copied from by a merge; null for the incident's own.</summary>
    public string? MergedFrom { get; private set; }

    internal ViolationReport CopyFor(string fromReference) =>
        new(new ReportDetails(OccurredAt, Oblast, Location, ViolationType, Severity, SourceType, Description, Latitude, Longitude, Killed, Wounded),
            isInitial: false, ReportedAt, ReportedBy)
        {
            VerifiedAt = VerifiedAt,
            VerifiedBy = VerifiedBy,
            MergedFrom = MergedFrom ?? fromReference,
        };

    internal void Verify(DateTime now, string actor)
    {
        VerifiedAt = now;
        VerifiedBy = actor;
    }
}
