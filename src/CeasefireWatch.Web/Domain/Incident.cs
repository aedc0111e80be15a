using System.Globalization;
using CeasefireWatch.Web.Escalation;

namespace CeasefireWatch.Web.Domain;

/// <summary>
/// An incident: one or more violation reports about the same hostilities, and the escalation
/// clock that runs from its first violation (T0). All instants are UTC.
/// </summary>
public sealed class Incident
{
    /// <summary>The actor named on tier changes that the policy, not a person, made.</summary>
    public const string EngineActor = "escalation-engine";

    private readonly List<ViolationReport> reports = [];
    private readonly List<TimelineEntry> timeline = [];

    private Incident()
    {
    }

    public int Id { get; private set; }

    /// <summary>The human code, derived from the id so it is unique by construction.</summary>
    public string Reference => FormatReference(Id);

    public string Title { get; private set; } = string.Empty;

    public IncidentStatus Status { get; private set; }

    /// <summary>The highest tier entered. Tiers never go down.</summary>
    public Stage Stage { get; private set; }

    /// <summary>T0: when the first violation occurred. The clock's start.</summary>
    public DateTime OccurredAt { get; private set; }

    /// <summary>When the next tier falls due; null when none will. Indexed: the engine sleeps until the earliest.</summary>
    public DateTime? NextStageAt { get; private set; }

    /// <summary>When hostilities ceased; null while they continue.</summary>
    public DateTime? CeasedAt { get; private set; }

    public string Oblast { get; private set; } = string.Empty;

    public string Location { get; private set; } = string.Empty;

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public ViolationType ViolationType { get; private set; }

    /// <summary>The most severe of its reports.</summary>
    public Severity Severity { get; private set; }

    public SourceType SourceType { get; private set; }

    public string Description { get; private set; } = string.Empty;

    /// <summary>Killed, summed over the reports that gave a number; null when none did.</summary>
    public int? Killed { get; private set; }

    /// <summary>Wounded, summed over the reports that gave a number; null when none did.</summary>
    public int? Wounded { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = string.Empty;

    public DateTime? DiplomaticWarningIssuedAt { get; private set; }

    public string? ResolutionReason { get; private set; }

    /// <summary>Optimistic concurrency token: bumped by every change, so two writers never both apply.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<ViolationReport> Reports => reports;

    public IReadOnlyList<TimelineEntry> Timeline => timeline;

    public static string FormatReference(int id) => "CW-" + id.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>Parses a reference such as <c>CW-00042</c> back to its id.</summary>
    public static int? ParseReference(string? reference) =>
        reference is not null
        && reference.StartsWith("CW-", StringComparison.OrdinalIgnoreCase)
        && int.TryParse(reference.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    /// <summary>
    /// Opens an incident from its first report. Every tier already due at <paramref name="now"/> is entered
    /// at once, in order, each with the instant it fell due: a report typed in 80 h late shows all three.
    /// </summary>
    public static Incident Log(string title, ReportDetails first, DateTime now, string actor, EscalationPolicy policy) =>
        Open(title, first, ceasedAt: null, ceaseReason: null, now, actor, policy);

    /// <summary>
    /// Opens an incident from a historical record (an import). It runs through exactly the same policy:
    /// a tier is entered only if hostilities still continued when it fell due.
    /// </summary>
    public static Incident Import(
        string title, ReportDetails first, DateTime? ceasedAt, DateTime now, string actor, EscalationPolicy policy) =>
        Open(title, first, ceasedAt, ceasedAt is null ? null : "Ceased before import", now, actor, policy);

    private static Incident Open(
        string title, ReportDetails first, DateTime? ceasedAt, string? ceaseReason, DateTime now, string actor, EscalationPolicy policy)
    {
        var incident = new Incident
        {
            Title = title,
            Status = IncidentStatus.Active,
            OccurredAt = first.OccurredAt,
            Oblast = first.Oblast,
            Location = first.Location,
            Latitude = first.Latitude,
            Longitude = first.Longitude,
            ViolationType = first.ViolationType,
            Severity = first.Severity,
            SourceType = first.SourceType,
            Description = first.Description,
            Killed = first.Killed,
            Wounded = first.Wounded,
            CreatedAt = now,
            CreatedBy = actor,
        };
        incident.reports.Add(new ViolationReport(first, isInitial: true, now, actor));
        incident.Append(now, TimelineKind.Reported, Stage.UkrainianForces, actor, DescribeReport(first));

        // Every incident enters tier 1 when it is opened, even one whose T0 is a few minutes ahead of
        // this clock (skew between reporting systems); its due instant is T0 itself.
        incident.Stage = Stage.UkrainianForces;
        incident.AppendStageEntered(Stage.UkrainianForces, policy.DueAt(Stage.UkrainianForces, incident.OccurredAt), now);
        incident.EnterDueStages(policy, now, ceasedAt);
        if (ceasedAt is { } ceased)
        {
            incident.Status = IncidentStatus.Resolved;
            incident.CeasedAt = ceased;
            incident.ResolutionReason = ceaseReason;
            incident.Append(now, TimelineKind.Resolved, incident.Stage, actor, $"Hostilities ceased at {Format(ceased)}. {ceaseReason}");
        }

        incident.NextStageAt = policy.NextStageAt(incident.Stage, incident.Status, incident.OccurredAt);
        return incident;
    }

    /// <summary>
    /// Adds a follow-up report. A report of a violation before T0 moves T0 earlier, and with it every
    /// deadline still ahead; tiers that thereby fell due are entered at once.
    /// </summary>
    public IReadOnlyList<StageDue> AddFollowUp(ReportDetails report, DateTime now, string actor, EscalationPolicy policy)
    {
        reports.Add(new ViolationReport(report, isInitial: false, now, actor));
        if (report.Severity > Severity)
        {
            Severity = report.Severity;
        }

        Killed = Sum(Killed, report.Killed);
        Wounded = Sum(Wounded, report.Wounded);

        var details = DescribeReport(report);
        if (report.OccurredAt < OccurredAt)
        {
            details += $" The first violation is now {Format(report.OccurredAt)} (was {Format(OccurredAt)}).";
            OccurredAt = report.OccurredAt;
        }

        Append(now, TimelineKind.FollowUpReport, Stage, actor, details);
        return ApplyDueStages(policy, now);
    }

    public void AddNote(string text, DateTime now, string actor) =>
        Append(now, TimelineKind.Note, Stage, actor, text);

    /// <summary>
    /// A supervisor confirms one of the incident's reports (once); the report must be loaded with the incident.
    /// Verification changes no clock: an unverified report escalates exactly like a verified one, because waiting
    /// for confirmation must not delay the response.
    /// </summary>
    public void VerifyReport(long reportId, string details, DateTime now, string actor)
    {
        var report = reports.SingleOrDefault(r => r.Id == reportId)
            ?? throw new InvalidOperationException($"Report {reportId} of {Reference} is not loaded; load it before verifying it.");
        if (report.VerifiedAt is { } verified)
        {
            throw new DomainRuleException($"That report of {Reference} was already verified by {report.VerifiedBy} at {Format(verified)}.");
        }

        report.Verify(now, actor);
        var which = report.IsInitial ? "The first report" : $"The follow-up report received {Format(report.ReportedAt)}";
        Append(now, TimelineKind.ReportVerified, Stage, actor,
            $"{which} ({report.ViolationType} at {report.Location}, source {report.SourceType}) verified.{(string.IsNullOrWhiteSpace(details) ? string.Empty : " " + details)}");
    }

    public void RecordDiplomaticWarning(string details, DateTime now, string actor)
    {
        if (DiplomaticWarningIssuedAt is { } issued)
        {
            throw new DomainRuleException($"The diplomatic warning for {Reference} was already recorded at {Format(issued)}.");
        }

        DiplomaticWarningIssuedAt = now;
        Append(now, TimelineKind.DiplomaticWarningIssued, Stage, actor,
            string.IsNullOrWhiteSpace(details) ? "Diplomatic warning issued." : details);
    }

    /// <summary>
    /// Hostilities ceased: the clock stops. Tiers already entered stay entered; a tier that fell due before
    /// <paramref name="ceasedAt"/> but was not yet recorded (the engine was behind or stopped) is entered first,
    /// exactly as an import of the same history would.
    /// </summary>
    public void Resolve(DateTime ceasedAt, string reason, DateTime now, string actor, EscalationPolicy policy)
    {
        if (Status == IncidentStatus.Resolved)
        {
            throw new DomainRuleException($"{Reference} is already resolved.");
        }

        if (ceasedAt < OccurredAt)
        {
            throw new DomainRuleException(
                $"Hostilities cannot cease ({Format(ceasedAt)}) before the first violation ({Format(OccurredAt)}).");
        }

        EnterDueStages(policy, now, ceasedAt);
        Status = IncidentStatus.Resolved;
        CeasedAt = ceasedAt;
        ResolutionReason = reason;
        NextStageAt = null;
        Append(now, TimelineKind.Resolved, Stage, actor, $"Hostilities ceased at {Format(ceasedAt)}. {reason}");
    }

    /// <summary>Hostilities resumed: the clock runs again from the same T0, and tiers now due are entered.</summary>
    public IReadOnlyList<StageDue> Reopen(string reason, DateTime now, string actor, EscalationPolicy policy)
    {
        if (Status == IncidentStatus.Active)
        {
            throw new DomainRuleException($"{Reference} is already active.");
        }

        Status = IncidentStatus.Active;
        CeasedAt = null;
        ResolutionReason = null;
        Append(now, TimelineKind.Reopened, Stage, actor, reason);
        return ApplyDueStages(policy, now);
    }

    /// <summary>
    /// A supervisor escalates ahead of the clock, with a stated reason, to <paramref name="toStage"/> (every tier
    /// passed over is entered at the same instant, so the record keeps one tier change per tier) or, when no tier
    /// is named, to the next one. Tiers the clock has already made due are entered first, by the policy with
    /// their own due instants. Naming the tier makes the request idempotent: when that tier is already entered
    /// (by the engine a moment ago, or by another supervisor's click) nothing changes and the request is refused,
    /// so a double click or two supervisors at once can never carry an incident a tier further than asked.
    /// Without a named tier, a request that finds tiers just entered on schedule is refused too: the supervisor
    /// asked for a tier the incident may already have, and should look again before going further.
    /// </summary>
    /// <returns>The tier the incident is now at.</returns>
    public Stage EscalateEarly(string reason, Stage? toStage, DateTime now, string actor, EscalationPolicy policy)
    {
        if (Status != IncidentStatus.Active)
        {
            throw new DomainRuleException($"{Reference} is {Status.ToString().ToLowerInvariant()}; reopen it before escalating.");
        }

        var enteredOnSchedule = ApplyDueStages(policy, now);
        Stage target;
        if (toStage is { } named)
        {
            if (named <= Stage)
            {
                throw new DomainRuleException(
                    $"{Reference} has already entered {named.Label()} (it is at {Stage.Label()}); nothing was changed.");
            }

            target = named;
        }
        else if (enteredOnSchedule.Count > 0)
        {
            throw new DomainRuleException(
                $"{Reference} has just entered {Stage.Label()} on schedule. Review it, and escalate again if it is still needed.");
        }
        else
        {
            target = Stage.Next() ?? throw new DomainRuleException($"{Reference} is already at the highest tier.");
        }

        while (Stage < target)
        {
            Stage = Stage.Next()!.Value;
            Append(now, TimelineKind.StageEntered, Stage, actor, $"Escalated early: {reason}", dueAt: now);
        }

        NextStageAt = policy.NextStageAt(Stage, Status, OccurredAt);
        return Stage;
    }

    /// <summary>
    /// Enters every tier the policy says is due at <paramref name="now"/>, each recorded once with its due instant.
    /// This is the one place tiers move on their own; the engine and the request handlers both call it.
    /// </summary>
    public IReadOnlyList<StageDue> ApplyDueStages(EscalationPolicy policy, DateTime now)
    {
        var entered = Status == IncidentStatus.Active ? EnterDueStages(policy, now, CeasedAt) : [];
        NextStageAt = policy.NextStageAt(Stage, Status, OccurredAt);
        return entered;
    }

    /// <summary>Recomputes when the next tier falls due under <paramref name="policy"/> (its windows may have changed).</summary>
    public void Replan(EscalationPolicy policy) => NextStageAt = policy.NextStageAt(Stage, Status, OccurredAt);

    private IReadOnlyList<StageDue> EnterDueStages(EscalationPolicy policy, DateTime now, DateTime? ceasedAt)
    {
        var due = policy.DueStages(Stage, OccurredAt, ceasedAt, now);
        foreach (var (stage, dueAt) in due)
        {
            Stage = stage;
            AppendStageEntered(stage, dueAt, now);
        }

        return due;
    }

    private void AppendStageEntered(Stage stage, DateTime dueAt, DateTime now) =>
        Append(now, TimelineKind.StageEntered, stage, EngineActor, $"{stage.Label()} due at {Format(dueAt)}.", dueAt);

    private void Append(DateTime at, TimelineKind kind, Stage stage, string actor, string details, DateTime? dueAt = null)
    {
        timeline.Add(new TimelineEntry(at, kind, stage, actor, details, dueAt));
        Version++;
    }

    private static int? Sum(int? a, int? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);

    private static string DescribeReport(ReportDetails r)
    {
        var casualties = r.Killed is null && r.Wounded is null ? string.Empty : $" Killed {r.Killed ?? 0}, wounded {r.Wounded ?? 0}.";
        return $"{r.Severity} {r.ViolationType} at {r.Location}, {r.Oblast}, occurred {Format(r.OccurredAt)}; source {r.SourceType}.{casualties} {r.Description}".TrimEnd();
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
