namespace CeasefireWatch.Web.Domain;

/// <summary>Field lengths, shared by the validators, the database schema and the form inputs.</summary>
public static class IncidentLimits
{
    public const int Title = 200;
    public const int Oblast = 32;
    public const int Location = 200;
    public const int Description = 4000;
    public const int Note = 4000;
    public const int Reason = 1000;
    public const int Actor = 256;

    /// <summary>An imported event's name in its source, with the source's prefix (<c>ACLED:</c>).</summary>
    public const int ExternalReference = 64;

    /// <summary>Timeline details hold a report's description plus a summary line.</summary>
    public const int TimelineDetails = 5000;

    public const int MaxCasualties = 100_000;

    /// <summary>How far ahead of this server's clock a reported time may be, to allow for clock skew.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
}
