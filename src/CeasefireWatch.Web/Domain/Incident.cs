using System.Globalization;

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
    private readonly List<CoalitionAcknowledgement> acknowledgements = [];

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

    /// <summary>
    /// The event this incident was imported from, named by its source (<c>ACLED:UKR12345</c>); null for a live report and
    /// for a row of the Incidents format, which carries no identity. Unique in the database: an event is imported once.
    /// </summary>
    public string? ExternalReference { get; private set; }

    public DateTime? DiplomaticWarningIssuedAt { get; private set; }

    /// <summary>To whom the diplomatic warning went (an embassy, a ministry), as recorded.</summary>
    public string? DiplomaticWarningRecipient { get; private set; }

    /// <summary>By which channel (note verbale, démarche, public statement), as recorded.</summary>
    public string? DiplomaticWarningChannel { get; private set; }

    /// <summary>Whether the incident itself is confirmed. A false report dismisses it.</summary>
    public Verification Verification { get; private set; }

    /// <summary>
    /// Since when tier 2 is held back for want of verification; null when not held. It outlives a resolution or a
    /// dismissal (the incident is no less unverified), so a reopened incident is still held, and its one
    /// <c>EscalationHeld</c> entry is not written again (CONTRACT.md).
    /// </summary>
    public DateTime? HeldSince { get; private set; }

    /// <summary>The incident this one was merged into (status <c>Merged</c>); null otherwise.</summary>
    public int? MergedIntoId { get; private set; }

    /// <summary>Since when a Major report asks "a larger-scale attack: escalate to the US backstop?"; null once decided.</summary>
    public DateTime? LargerScaleFlaggedAt { get; private set; }

    /// <summary>When the clock last resumed (a reopening); deadlines that passed before it were not reached.</summary>
    public DateTime? ClockResumedAt { get; private set; }

    /// <summary>When each tier was entered (recorded), for the checklist's overdue flags.</summary>
    public DateTime? Tier1EnteredAt { get; private set; }

    public DateTime? Tier2EnteredAt { get; private set; }

    public DateTime? Tier3EnteredAt { get; private set; }

    public DateTime? UkrainianForcesResponseAt { get; private set; }

    public DateTime? LeadsAcknowledgedAt { get; private set; }

    public DateTime? MembersNotifiedAt { get; private set; }

    public DateTime? UsBackstopActivatedAt { get; private set; }

    public string? ResolutionReason { get; private set; }

    /// <summary>Optimistic concurrency token: bumped by every change, so two writers never both apply.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<ViolationReport> Reports => reports;

    public IReadOnlyList<TimelineEntry> Timeline => timeline;

    /// <summary>Coalition members' answers, oldest first; load them with the incident before recording one.</summary>
    public IReadOnlyList<CoalitionAcknowledgement> Acknowledgements => acknowledgements;

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
        string title, ReportDetails first, DateTime? ceasedAt, DateTime now, string actor, EscalationPolicy policy,
        string? externalReference = null)
    {
        var incident = Open(title, first, ceasedAt, ceasedAt is null ? null : "Ceased before import", now, actor, policy);
        incident.ExternalReference = externalReference;
        return incident;
    }

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
        incident.EnterStage(Stage.UkrainianForces, policy.DueAt(Stage.UkrainianForces, incident.OccurredAt), now, EngineActor,
            $"{Stage.UkrainianForces.Label()} due at {Format(incident.OccurredAt)}.");
        incident.FlagIfLargerScale(first.Severity, now);
        ceasedAt = ceasedAt is { } typed ? incident.CeasedNoLaterThanNow(typed, now) : null;
        incident.EnterDueStages(policy, now, ceasedAt);
        if (ceasedAt is { } ceased)
        {
            incident.Status = IncidentStatus.Resolved;
            incident.CeasedAt = ceased;
            incident.ResolutionReason = ceaseReason;
            incident.Append(now, TimelineKind.Resolved, incident.Stage, actor, $"Hostilities ceased at {Format(ceased)}. {ceaseReason}");
        }

        incident.Replan(policy);
        return incident;
    }

    /// <summary>
    /// Adds a follow-up report. A report of a violation before T0 moves T0 earlier, and with it every
    /// deadline still ahead; tiers that thereby fell due are entered at once. On a resolved incident only a violation
    /// of the same episode (before hostilities ceased) is taken, and the tiers it makes due before the cessation are
    /// entered, as an import of the same history would enter them; a later one is refused, since whether hostilities
    /// resumed is a supervisor's reopening, and a dismissed incident takes no report until its verification changes.
    /// </summary>
    public IReadOnlyList<StageDue> AddFollowUp(ReportDetails report, DateTime now, string actor, EscalationPolicy policy)
    {
        ThrowIfClosedForGood();
        if (Status == IncidentStatus.Dismissed)
        {
            throw new DomainRuleException($"{Reference} is dismissed as a false report; change its verification to bring it back before adding reports to it.");
        }

        if (Status == IncidentStatus.Resolved && report.OccurredAt > CeasedAt)
        {
            throw new DomainRuleException(
                $"{Reference} is resolved: hostilities ceased at {Format(CeasedAt!.Value)}, before this violation ({Format(report.OccurredAt)}). " +
                "If hostilities resumed, a supervisor reopens it first; otherwise log the violation as a new incident. Nothing was saved.");
        }

        reports.Add(new ViolationReport(report, isInitial: false, now, actor));
        FlagIfLargerScale(report.Severity, now);
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
        if (Status == IncidentStatus.Resolved)
        {
            // Under the verification rule an unverified incident would be held instead, and it may hold its one
            // EscalationHeld already (its timeline is not loaded here to tell): it is left as it is.
            return policy.RequireVerificationBeyondTier1 && Verification != Verification.Verified ? [] : EnterDueStages(policy, now, CeasedAt);
        }

        return ApplyDueStages(policy, now);
    }

    public void AddNote(string text, DateTime now, string actor)
    {
        ThrowIfClosedForGood();
        Append(now, TimelineKind.Note, Stage, actor, text);
    }

    /// <summary>
    /// A supervisor confirms one of the incident's reports (once); the report must be loaded with the incident.
    /// Verification changes no clock: an unverified report escalates exactly like a verified one, because waiting
    /// for confirmation must not delay the response.
    /// </summary>
    public void VerifyReport(long reportId, string details, DateTime now, string actor)
    {
        ThrowIfClosedForGood();
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

    public void RecordDiplomaticWarning(string details, DateTime now, string actor, string? recipient = null, string? channel = null)
    {
        ThrowIfClosedForGood();
        if (DiplomaticWarningIssuedAt is { } issued)
        {
            throw new DomainRuleException($"The diplomatic warning for {Reference} was already recorded at {Format(issued)}.");
        }

        DiplomaticWarningIssuedAt = now;
        DiplomaticWarningRecipient = string.IsNullOrWhiteSpace(recipient) ? null : recipient;
        DiplomaticWarningChannel = string.IsNullOrWhiteSpace(channel) ? null : channel;
        var to = DiplomaticWarningRecipient is null ? string.Empty : $" to {DiplomaticWarningRecipient}";
        var by = DiplomaticWarningChannel is null ? string.Empty : $" by {DiplomaticWarningChannel}";
        var text = to.Length + by.Length == 0 && !string.IsNullOrWhiteSpace(details)
            ? details
            : ($"Diplomatic warning issued{to}{by}. " + details).TrimEnd();
        Append(now, TimelineKind.DiplomaticWarningIssued, Stage, actor, text);
    }

    /// <summary>
    /// Hostilities ceased: the clock stops. Tiers already entered stay entered; a tier that fell due before
    /// <paramref name="ceasedAt"/> but was not yet recorded (the engine was behind or stopped) is entered first,
    /// exactly as an import of the same history would.
    /// </summary>
    public void Resolve(DateTime ceasedAt, string reason, DateTime now, string actor, EscalationPolicy policy)
    {
        ThrowIfClosedForGood();
        if (Status == IncidentStatus.Resolved)
        {
            throw new DomainRuleException($"{Reference} is already resolved.");
        }

        if (Status == IncidentStatus.Dismissed)
        {
            throw new DomainRuleException($"{Reference} is dismissed as a false report; change its verification to bring it back.");
        }

        if (ceasedAt < OccurredAt)
        {
            throw new DomainRuleException(
                $"Hostilities cannot cease ({Format(ceasedAt)}) before the first violation ({Format(OccurredAt)}).");
        }

        ceasedAt = CeasedNoLaterThanNow(ceasedAt, now);
        EnterDueStages(policy, now, ceasedAt);
        Status = IncidentStatus.Resolved;
        CeasedAt = ceasedAt;
        ResolutionReason = reason;
        NextStageAt = null;
        Append(now, TimelineKind.Resolved, Stage, actor, $"Hostilities ceased at {Format(ceasedAt)}. {reason}");
    }

    /// <summary>
    /// When hostilities ceased, read no later than now (or T0, when a report's clock put T0 a little ahead of this one).
    /// The validators let a time through up to <see cref="IncidentLimits.ClockSkew"/> ahead of this server's clock, for
    /// the reporter's clock running ahead; taken as typed, a tier falling due between now and that time would be neither
    /// entered now (not yet due) nor ever (the clock stops at resolution), though the record says hostilities went on
    /// past its deadline.
    /// </summary>
    private DateTime CeasedNoLaterThanNow(DateTime ceasedAt, DateTime now)
    {
        var latest = now > OccurredAt ? now : OccurredAt;
        return ceasedAt > latest ? latest : ceasedAt;
    }

    /// <summary>
    /// Hostilities resumed: the clock runs again from the same T0. Only what continuing hostilities reach is
    /// entered: a deadline that passed while the incident was resolved was not reached (the import rule), so
    /// nothing is entered at once; the next deadline still ahead is the next to fall due, and when it does, the
    /// tiers passed over are entered with it.
    /// </summary>
    public IReadOnlyList<StageDue> Reopen(string reason, DateTime now, string actor, EscalationPolicy policy)
    {
        ThrowIfClosedForGood();
        if (Status == IncidentStatus.Active)
        {
            throw new DomainRuleException($"{Reference} is already active.");
        }

        if (Status == IncidentStatus.Dismissed)
        {
            throw new DomainRuleException($"{Reference} is dismissed as a false report; change its verification to bring it back.");
        }

        Status = IncidentStatus.Active;
        CeasedAt = null;
        ResolutionReason = null;
        ClockResumedAt = now;
        Append(now, TimelineKind.Reopened, Stage, actor, reason);
        return ApplyDueStages(policy, now);
    }

    /// <summary>
    /// A supervisor sets whether the incident is confirmed. A false report is dismissed (the clock stops, it leaves
    /// the active views); taking that back makes it active again, with the clock resumed as on a reopening.
    /// Verifying a held incident releases it: every tier that fell due meanwhile is entered, each with its due instant.
    /// </summary>
    public IReadOnlyList<StageDue> SetVerification(Verification verification, string note, DateTime now, string actor, EscalationPolicy policy)
    {
        ThrowIfClosedForGood();
        if (verification == Verification)
        {
            throw new DomainRuleException($"{Reference} is already {verification}.");
        }

        var was = Verification;
        Verification = verification;
        if (verification == Verification.Verified)
        {
            // Verified, nothing holds it any more: also when it is resolved or dismissed now (a hold outlives those),
            // so that a reopening later does not find it held.
            HeldSince = null;
        }

        Append(now, TimelineKind.VerificationChanged, Stage, actor,
            $"Verification: {was} → {verification}.{(string.IsNullOrWhiteSpace(note) ? string.Empty : " " + note)}");
        if (verification == Verification.FalseReport)
        {
            // Resolved or active, a false report is dismissed: a resolved one kept its status, counted as resolved, and
            // a reopening then brought back a false report with its clock running.
            Status = IncidentStatus.Dismissed;
            NextStageAt = null;
            return [];
        }

        if (Status == IncidentStatus.Dismissed)
        {
            // Back as it was before: resolved if hostilities had ceased (its clock stays stopped), else active with the
            // clock resumed as on a reopening.
            if (CeasedAt is not null)
            {
                Status = IncidentStatus.Resolved;
                return [];
            }

            Status = IncidentStatus.Active;
            ClockResumedAt = now;
        }

        return ApplyDueStages(policy, now);
    }

    /// <summary>A supervisor decides a Major report was not a larger-scale attack: the "escalate to the US backstop?" flag goes.</summary>
    public void ReviewLargerScale(string reason, DateTime now, string actor)
    {
        ThrowIfClosedForGood();
        if (LargerScaleFlaggedAt is null)
        {
            throw new DomainRuleException($"{Reference} has no open question of a larger-scale attack.");
        }

        LargerScaleFlaggedAt = null;
        Append(now, TimelineKind.LargerScaleReviewed, Stage, actor, $"Not a larger-scale attack: {reason}");
    }

    /// <summary>
    /// Records a coalition member's answer (from tier 2 on). The tier-2 checklist follows from the answers: the leads
    /// acknowledged once each lead's latest answer is acknowledged or deployed; members notified once every member
    /// of <paramref name="roster"/> has answered anything.
    /// </summary>
    public void RecordCoalitionAnswer(
        RosterMember member, AcknowledgementState state, string note, IReadOnlyList<RosterMember> roster, DateTime now, string actor)
    {
        ThrowIfClosedForGood();
        if (Stage < Stage.Coalition)
        {
            throw new DomainRuleException($"{Reference} has not reached {Stage.Coalition.Label()}; coalition answers are recorded from then on.");
        }

        // The same answer again (a double submit, a client retrying) adds nothing to the record: refused like a
        // verification set to what it is. A changed state, or the same state with a new note, is a new answer.
        if (LatestAnswers().TryGetValue(member.Country, out var last) && last.State == state && last.Note == note)
        {
            throw new DomainRuleException($"{member.Country} has already answered {state} on {Reference}, with the same note.");
        }

        acknowledgements.Add(new CoalitionAcknowledgement(member.Country, state, note, now, actor));
        Append(now, TimelineKind.CoalitionAnswer, Stage, actor,
            $"{member.Country}{(member.Lead ? " (lead)" : string.Empty)}: {state}.{(string.IsNullOrWhiteSpace(note) ? string.Empty : " " + note)}");

        var latest = LatestAnswers();
        if (LeadsAcknowledgedAt is null && roster.Any(m => m.Lead)
            && roster.Where(m => m.Lead).All(m => latest.TryGetValue(m.Country, out var s) && CoalitionAcknowledgement.IsAcknowledged(s.State)))
        {
            LeadsAcknowledgedAt = now;
        }

        if (MembersNotifiedAt is null && roster.All(m => latest.ContainsKey(m.Country)))
        {
            MembersNotifiedAt = now;
        }
    }

    /// <summary>Each member's latest answer, by country (case aside).</summary>
    public IReadOnlyDictionary<string, CoalitionAcknowledgement> LatestAnswers() =>
        acknowledgements.GroupBy(a => a.Country, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderBy(a => a.At).ThenBy(a => a.Id).Last(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Marks a checklist item that people record (the Ukrainian forces' response, the US backstop's activation).</summary>
    public void CompleteChecklistItem(ChecklistItem item, string note, DateTime now, string actor)
    {
        ThrowIfClosedForGood();
        var suffix = string.IsNullOrWhiteSpace(note) ? string.Empty : " " + note;
        switch (item)
        {
            case ChecklistItem.UkrainianForcesResponse when UkrainianForcesResponseAt is null:
                UkrainianForcesResponseAt = now;
                Append(now, TimelineKind.ChecklistItemDone, Stage, actor, "Ukrainian forces' response recorded." + suffix);
                break;
            case ChecklistItem.UsBackstopActivation when Stage < Stage.UsBackstop:
                throw new DomainRuleException($"{Reference} has not reached {Stage.UsBackstop.Label()}; its activation is recorded from then on.");
            case ChecklistItem.UsBackstopActivation when UsBackstopActivatedAt is null:
                UsBackstopActivatedAt = now;
                Append(now, TimelineKind.ChecklistItemDone, Stage, actor, "US backstop activation recorded." + suffix);
                break;
            case ChecklistItem.UkrainianForcesResponse or ChecklistItem.UsBackstopActivation:
                throw new DomainRuleException($"That item of {Reference} is already done.");
            case ChecklistItem.DiplomaticWarning:
                throw new DomainRuleException("The diplomatic warning is recorded with its own action (to whom, by which channel).");
            default:
                throw new DomainRuleException("The coalition items follow from the members' answers; record those instead.");
        }
    }

    /// <summary>What is owed at each tier entered so far, what is done, and what is overdue at <paramref name="now"/>.</summary>
    public IReadOnlyList<ChecklistEntry> Checklist(DateTime now, TimeSpan overdueAfter)
    {
        var entries = new List<ChecklistEntry>(5);
        void Add(Stage stage, ChecklistItem item, DateTime? enteredAt, DateTime? doneAt) =>
            entries.Add(new ChecklistEntry(stage, item, doneAt is not null, doneAt,
                doneAt is null && Status == IncidentStatus.Active && enteredAt is { } began && now - began >= overdueAfter));

        if (Stage >= Stage.UkrainianForces)
        {
            Add(Stage.UkrainianForces, ChecklistItem.DiplomaticWarning, Tier1EnteredAt, DiplomaticWarningIssuedAt);
            Add(Stage.UkrainianForces, ChecklistItem.UkrainianForcesResponse, Tier1EnteredAt, UkrainianForcesResponseAt);
        }

        if (Stage >= Stage.Coalition)
        {
            Add(Stage.Coalition, ChecklistItem.LeadsAcknowledged, Tier2EnteredAt, LeadsAcknowledgedAt);
            Add(Stage.Coalition, ChecklistItem.MembersNotified, Tier2EnteredAt, MembersNotifiedAt);
        }

        if (Stage >= Stage.UsBackstop)
        {
            Add(Stage.UsBackstop, ChecklistItem.UsBackstopActivation, Tier3EnteredAt, UsBackstopActivatedAt);
        }

        return entries;
    }

    /// <summary>
    /// Folds this incident (the duplicate) into <paramref name="survivor"/>: the same violation reported twice. The
    /// survivor takes the earliest T0, a copy of every report, answer and timeline entry of this one (marked with
    /// this reference; this one's tier changes are kept as records, the survivor's own stay one per tier), the higher
    /// tier (each tier it lacked entered with this one's due instant), and whatever was done here. This one becomes
    /// <c>Merged</c>, pointing at the survivor, its clock stopped. Both must be loaded whole.
    /// </summary>
    public void MergeInto(Incident survivor, DateTime now, string actor, EscalationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(survivor);
        if (ReferenceEquals(this, survivor) || Id == survivor.Id)
        {
            throw new DomainRuleException($"{Reference} cannot be merged into itself.");
        }

        ThrowIfClosedForGood();
        survivor.ThrowIfClosedForGood();
        if (survivor.Status == IncidentStatus.Dismissed)
        {
            // A false report cannot carry a real violation's record; the real one survives instead.
            throw new DomainRuleException(
                $"{survivor.Reference} is dismissed as a false report; merge it into {Reference} instead, or change its verification first.");
        }

        foreach (var report in reports.OrderBy(r => r.ReportedAt))
        {
            survivor.reports.Add(report.CopyFor(Reference));
        }

        foreach (var entry in timeline.OrderBy(e => e.At).ThenBy(e => e.Id))
        {
            survivor.timeline.Add(entry.CopyFor(Reference));
        }

        foreach (var answer in acknowledgements)
        {
            survivor.acknowledgements.Add(answer.CopyFor(Reference));
        }

        if (Severity > survivor.Severity)
        {
            survivor.Severity = Severity;
        }

        survivor.Killed = Sum(survivor.Killed, Killed);
        survivor.Wounded = Sum(survivor.Wounded, Wounded);
        survivor.DiplomaticWarningIssuedAt ??= DiplomaticWarningIssuedAt;
        survivor.DiplomaticWarningRecipient ??= DiplomaticWarningRecipient;
        survivor.DiplomaticWarningChannel ??= DiplomaticWarningChannel;
        survivor.UkrainianForcesResponseAt ??= UkrainianForcesResponseAt;
        survivor.LeadsAcknowledgedAt ??= LeadsAcknowledgedAt;
        survivor.MembersNotifiedAt ??= MembersNotifiedAt;
        survivor.UsBackstopActivatedAt ??= UsBackstopActivatedAt;
        survivor.LargerScaleFlaggedAt ??= LargerScaleFlaggedAt;

        var details = $"{Reference} merged into this incident: {reports.Count} report(s), {timeline.Count} timeline entries.";
        if (OccurredAt < survivor.OccurredAt)
        {
            details += $" The first violation is now {Format(OccurredAt)} (was {Format(survivor.OccurredAt)}).";
            survivor.OccurredAt = OccurredAt;
        }

        survivor.Append(now, TimelineKind.Merged, survivor.Stage, actor, details);
        while (survivor.Stage < Stage)
        {
            var stage = survivor.Stage.Next()!.Value;
            var dueAt = timeline.FirstOrDefault(e => e.Kind == TimelineKind.StageEntered && e.Stage == stage)?.DueAt ?? now;
            survivor.EnterStage(stage, dueAt, now, actor, $"{stage.Label()} entered through the merge of {Reference}, which had entered it (due {Format(dueAt)}).");
        }

        if (survivor.Stage == Stage.UsBackstop)
        {
            survivor.LargerScaleFlaggedAt = null;
        }

        if (survivor.Stage > Stage.UkrainianForces)
        {
            // A hold keeps an incident at tier 1; the merged record has carried it beyond, so there is nothing to hold.
            survivor.HeldSince = null;
        }

        survivor.ApplyDueStages(policy, now);

        Status = IncidentStatus.Merged;
        MergedIntoId = survivor.Id;
        NextStageAt = null;
        HeldSince = null;
        LargerScaleFlaggedAt = null;
        Append(now, TimelineKind.Merged, Stage, actor, $"Merged into {survivor.Reference}: the same violation.");
    }

    /// <summary>How long after tier 2 was entered an escalation that names no tier is refused as a likely repeat.</summary>
    public static readonly TimeSpan UnnamedEscalationPause = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A supervisor escalates ahead of the clock, with a stated reason, to <paramref name="toStage"/> (every tier
    /// passed over is entered at the same instant, so the record keeps one tier change per tier) or, when no tier
    /// is named, to the next one. Tiers the clock has already made due are entered first, by the policy with
    /// their own due instants. Naming the tier makes the request idempotent: when that tier is already entered
    /// (by the engine a moment ago, or by another supervisor's click) nothing changes and the request is refused,
    /// so a double click or two supervisors at once can never carry an incident a tier further than asked.
    /// Without a named tier, a request that finds tiers just entered on schedule is refused too: the supervisor
    /// asked for a tier the incident may already have, and should look again before going further. So is one that
    /// comes within <see cref="UnnamedEscalationPause"/> of tier 2 being entered (by anyone): the same request sent
    /// twice must not carry the incident to the US backstop.
    /// </summary>
    /// <returns>The tier the incident is now at.</returns>
    public Stage EscalateEarly(string reason, Stage? toStage, DateTime now, string actor, EscalationPolicy policy)
    {
        ThrowIfClosedForGood();
        if (Status == IncidentStatus.Dismissed)
        {
            throw new DomainRuleException($"{Reference} is dismissed as a false report; change its verification to bring it back before escalating.");
        }

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
        else if (Stage == Stage.Coalition && now - Tier2EnteredAt < UnnamedEscalationPause)
        {
            // The same request sent twice (a retrying client, a second click) would otherwise take "the next tier" twice,
            // up to the US backstop. Only tier 2 can be followed by a tier; tier 1 is entered when the incident is logged.
            throw new DomainRuleException(
                $"{Reference} entered {Stage.Label()} moments ago. Name the tier to enter (toStage) to go further.");
        }
        else
        {
            target = Stage.Next() ?? throw new DomainRuleException($"{Reference} is already at the highest tier.");
        }

        while (Stage < target)
        {
            EnterStage(Stage.Next()!.Value, now, now, actor, $"Escalated early: {reason}");
        }

        // A supervisor's decision releases a hold: the escalation is theirs to make.
        HeldSince = null;
        Replan(policy);
        return Stage;
    }

    /// <summary>
    /// Enters every tier the policy says is due at <paramref name="now"/>, each recorded once with its due instant.
    /// This is the one place tiers move on their own; the engine and the request handlers both call it.
    /// </summary>
    public IReadOnlyList<StageDue> ApplyDueStages(EscalationPolicy policy, DateTime now)
    {
        var entered = Status == IncidentStatus.Active ? EnterDueStages(policy, now, CeasedAt) : [];
        Replan(policy);
        return entered;
    }

    /// <summary>
    /// Recomputes when the next tier falls due under <paramref name="policy"/> (its windows may have changed, or the
    /// verification rule been switched off: a hold the policy no longer asks for is released).
    /// </summary>
    public void Replan(EscalationPolicy policy) =>
        (HeldSince, NextStageAt) = Plan(policy, Stage, Status, OccurredAt, ClockResumedAt, HeldSince, Verification);

    /// <summary>
    /// What <see cref="Replan"/> sets, from the few facts it depends on, so the engine can check thousands of
    /// incidents at start from a projection and load only those whose plan changed.
    /// </summary>
    public static (DateTime? HeldSince, DateTime? NextStageAt) Plan(
        EscalationPolicy policy, Stage stage, IncidentStatus status, DateTime t0, DateTime? resumedAt, DateTime? heldSince, Verification verification)
    {
        if (heldSince is not null && (!policy.RequireVerificationBeyondTier1 || verification == Verification.Verified))
        {
            heldSince = null;
        }

        return (heldSince, heldSince is null ? policy.NextStageAt(stage, status, t0, resumedAt) : null);
    }

    /// <summary>Whether the incident is held at tier 1 awaiting verification.</summary>
    public bool IsHeld => HeldSince is not null && Status == IncidentStatus.Active;

    private IReadOnlyList<StageDue> EnterDueStages(EscalationPolicy policy, DateTime now, DateTime? ceasedAt)
    {
        var due = policy.DueStages(Stage, OccurredAt, ceasedAt, now, ClockResumedAt);
        if (due.Count > 0 && Stage == Stage.UkrainianForces && policy.RequireVerificationBeyondTier1 && Verification != Verification.Verified)
        {
            if (HeldSince is null)
            {
                HeldSince = now;
                Append(now, TimelineKind.EscalationHeld, Stage, EngineActor,
                    $"{due[0].Stage.Label()} fell due at {Format(due[0].DueAt)}; held at {Stage.Label()} awaiting verification ({Verification}).");
            }

            return [];
        }

        foreach (var (stage, dueAt) in due)
        {
            EnterStage(stage, dueAt, now, EngineActor,
                dueAt == policy.DueAt(stage, OccurredAt)
                    ? $"{stage.Label()} due at {Format(dueAt)}."
                    : $"{stage.Label()} entered with a later deadline ({Format(dueAt)}): its own deadline passed while hostilities had ceased.");
        }

        return due;
    }

    /// <summary>The one place a tier is entered: the record (one tier change per tier), the stage, when it began.</summary>
    private void EnterStage(Stage stage, DateTime dueAt, DateTime now, string actor, string details)
    {
        Stage = stage;
        switch (stage)
        {
            case Stage.UkrainianForces: Tier1EnteredAt = now; break;
            case Stage.Coalition: Tier2EnteredAt = now; break;
            default:
                Tier3EnteredAt = now;
                LargerScaleFlaggedAt = null;
                break;
        }

        Append(now, TimelineKind.StageEntered, stage, actor, details, dueAt);
    }

    private void FlagIfLargerScale(Severity severity, DateTime now)
    {
        if (severity == Severity.Major && Stage < Stage.UsBackstop)
        {
            LargerScaleFlaggedAt ??= now;
        }
    }

    /// <summary>A merged incident is a pointer to its survivor: nothing more happens to it.</summary>
    private void ThrowIfClosedForGood()
    {
        if (Status == IncidentStatus.Merged)
        {
            throw new DomainRuleException($"{Reference} was merged into {FormatReference(MergedIntoId ?? 0)}; act on that incident.");
        }
    }

    /// <summary>An item of a tier's checklist as it stands.</summary>
    public sealed record ChecklistEntry(Stage Stage, ChecklistItem Item, bool Done, DateTime? DoneAt, bool Overdue);

    private void Append(DateTime at, TimelineKind kind, Stage stage, string actor, string details, DateTime? dueAt = null)
    {
        timeline.Add(new TimelineEntry(at, kind, stage, actor, details, dueAt));
        Version++;
    }

    private static int? Sum(int? a, int? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);

    private static string DescribeReport(ReportDetails r)
    {
        // Labels, not contract names: this is the record people read. A count nobody gave is "unknown", never 0.
        static string Count(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
        var casualties = r.Killed is null && r.Wounded is null ? string.Empty : $" Killed {Count(r.Killed)}, wounded {Count(r.Wounded)}.";
        return $"{r.Severity.Label()}: {r.ViolationType.Label()} at {r.Location}, {r.Oblast}, occurred {Format(r.OccurredAt)}; source: {r.SourceType.Label()}.{casualties} {r.Description}".TrimEnd();
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
