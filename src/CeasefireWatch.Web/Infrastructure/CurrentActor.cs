using System.Security.Claims;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>Who is making the current request, as named on the timeline: a user or an API key's name.</summary>
public interface ICurrentActor
{
    string Name { get; }
}

internal sealed class HttpCurrentActor(IHttpContextAccessor accessor) : ICurrentActor
{
    public const string Anonymous = "anonymous";

    public string Name =>
        accessor.HttpContext?.User is { Identity.IsAuthenticated: true } user
            ? user.FindFirstValue(ClaimTypes.Name) ?? user.Identity?.Name ?? Anonymous
            : Anonymous;
}
