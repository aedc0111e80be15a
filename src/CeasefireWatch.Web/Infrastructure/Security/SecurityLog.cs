using CeasefireWatch.Web.Data;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>Appends to the security log, with the time and the caller's address.</summary>
public sealed class SecurityLog(AppDbContext db, TimeProvider clock, IHttpContextAccessor accessor, ICurrentActor actor)
{
    /// <summary>Adds the event to the unit of work; the caller's SaveChanges writes it with the change it records.</summary>
    public void Add(SecurityEventKind kind, string subject, string details = "", string? actorName = null)
    {
        db.SecurityEvents.Add(new SecurityEvent
        {
            At = clock.GetUtcNow().UtcDateTime,
            Kind = kind,
            Subject = Truncate(subject, 256),
            Actor = Truncate(actorName ?? actor.Name, 256),
            SourceAddress = accessor.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? "local",
            Details = Truncate(details, 1000),
        });
    }

    public async Task WriteAsync(SecurityEventKind kind, string subject, string details = "", string? actorName = null)
    {
        Add(kind, subject, details, actorName);
        await db.SaveChangesAsync();
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
