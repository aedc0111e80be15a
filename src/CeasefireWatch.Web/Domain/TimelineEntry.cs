namespace CeasefireWatch.Web.Domain;

/// <summary>One line of an incident's history. Entries are appended, never edited.</summary>
public sealed class TimelineEntry
{
    private TimelineEntry()
    {
    }

    internal TimelineEntry(DateTime at, TimelineKind kind, Stage stage, string actor, string details, DateTime? dueAt = null)
    {
        At = at;
        Kind = kind;
        Stage = stage;
        Actor = actor;
        Details = details;
        DueAt = dueAt;
    }

    public long Id { get; private set; }

    public int IncidentId { get; private set; }

    /// <summary>When the entry was recorded.</summary>
    public DateTime At { get; private set; }

    public TimelineKind Kind { get; private set; }

    /// <summary>The incident's tier once this entry applied (for a tier change: the tier entered).</summary>
    public Stage Stage { get; private set; }

    /// <summary>A user, an API key's name, or <c>escalation-engine</c>.</summary>
    public string Actor { get; private set; } = string.Empty;

    public string Details { get; private set; } = string.Empty;

    /// <summary>For a tier change: the instant the policy (or a supervisor) made the tier due.</summary>
    public DateTime? DueAt { get; private set; }

    /// <summary>The reference of the incident this entry was copied from by a merge; null for the incident's own.</summary>
    public string? MergedFrom { get; private set; }

    /// <summary>A copy for the survivor of a merge. A tier change becomes a record of one, so the survivor keeps one per tier.</summary>
    internal TimelineEntry CopyFor(string fromReference) =>
        new(At, Kind == TimelineKind.StageEntered ? TimelineKind.MergedStageEntered : Kind, Stage, Actor, Details, DueAt)
        {
            MergedFrom = MergedFrom ?? fromReference,
        };
}
