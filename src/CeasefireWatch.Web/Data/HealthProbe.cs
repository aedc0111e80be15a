namespace CeasefireWatch.Web.Data;

/// <summary>
/// One row that <c>/health</c> rewrites (at most once a second) to prove the database can still be written:
/// a read succeeds on a read-only file or a full disk, so only a real write tells.
/// </summary>
public sealed class HealthProbe
{
    public int Id { get; set; }

    public DateTime CheckedAt { get; set; }
}
