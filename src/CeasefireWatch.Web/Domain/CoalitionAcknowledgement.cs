namespace CeasefireWatch.Web.Domain;

/// <summary>
/// One coalition member's answer to one incident, as an analyst recorded it. Answers are appended, never edited:
/// the latest per country is its state, and the timeline keeps the history.
/// </summary>
public sealed class CoalitionAcknowledgement
{
    private CoalitionAcknowledgement()
    {
    }

    internal CoalitionAcknowledgement(string country, AcknowledgementState state, string note, DateTime at, string by)
    {
        Country = country;
        State = state;
        Note = note;
        At = at;
        By = by;
    }

    public long Id { get; private set; }

    public int IncidentId { get; private set; }

    /// <summary>A roster member's name, as the roster spells it.</summary>
    public string Country { get; private set; } = string.Empty;

    public AcknowledgementState State { get; private set; }

    public string Note { get; private set; } = string.Empty;

    public DateTime At { get; private set; }

    public string By { get; private set; } = string.Empty;

    /// <summary>Whether the member has answered that it takes part (acknowledged, or deployed).</summary>
    public static bool IsAcknowledged(AcknowledgementState state) => state is AcknowledgementState.Acknowledged or AcknowledgementState.Deployed;

    internal CoalitionAcknowledgement CopyFor(string fromReference) =>
        new(Country, State, $"[{fromReference}] {Note}".TrimEnd(), At, By);
}

/// <summary>A member of the coalition roster, as the domain needs it.</summary>
public sealed record RosterMember(string Country, bool Lead);
