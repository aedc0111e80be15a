using System.Reflection;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// The four roles. Each person or API key holds one; each role can do everything the one before it can.
/// </summary>
public static class Roles
{
    public const string Viewer = "Viewer";
    public const string Analyst = "Analyst";
    public const string Supervisor = "Supervisor";
    public const string Admin = "Admin";

    /// <summary>In order of increasing rights.</summary>
    public static IReadOnlyList<string> All { get; } = [Viewer, Analyst, Supervisor, Admin];

    public static string? Canonical(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string Describe(string role) => role switch
    {
        Viewer => "Read everything, export CSV.",
        Analyst => "Viewer, plus log incidents and follow-up reports, add notes, record actions.",
        Supervisor => "Analyst, plus verify reports, resolve, reopen, escalate early.",
        Admin => "Supervisor, plus manage users and API keys, read the security log.",
        _ => string.Empty,
    };
}

/// <summary>The authorization policies; each names the roles that hold it.</summary>
public static class Policies
{
    public const string Read = nameof(Read);
    public const string Report = nameof(Report);
    public const string Supervise = nameof(Supervise);
    public const string Administer = nameof(Administer);

    public static IReadOnlyDictionary<string, string[]> RolesFor { get; } = new Dictionary<string, string[]>
    {
        [Read] = [Roles.Viewer, Roles.Analyst, Roles.Supervisor, Roles.Admin],
        [Report] = [Roles.Analyst, Roles.Supervisor, Roles.Admin],
        [Supervise] = [Roles.Supervisor, Roles.Admin],
        [Administer] = [Roles.Admin],
    };
}

/// <summary>
/// Marks a request with the policy its sender must hold. Checked by <see cref="AuthorizationBehavior{TMessage,TResponse}"/>
/// for pages and API alike, so a use case is protected once, where it is defined.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresPolicyAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;

    /// <summary>The policy a mediator request's sender must hold; null when any signed-in reader may send it.</summary>
    public static string? Of(Type request) => request.GetCustomAttribute<RequiresPolicyAttribute>(inherit: false)?.Policy;
}

/// <summary>Puts a mediator request's policy on the API endpoint that sends it.</summary>
public static class EndpointPolicies
{
    /// <summary>
    /// The endpoint requires the policy of <typeparamref name="TMessage"/>'s <see cref="RequiresPolicyAttribute"/>, so the
    /// authorization middleware refuses a caller without the role before the request's body or query is read: a 403
    /// for a well-formed and a broken request alike, never a 400 that names the fields of a call the caller may not
    /// make. The mediator's <see cref="AuthorizationBehavior{TMessage,TResponse}"/> still checks it (the pages send the
    /// same requests); the policy is written once, on the request.
    /// </summary>
    public static RouteHandlerBuilder RequiresPolicyOf<TMessage>(this RouteHandlerBuilder endpoint)
        where TMessage : Mediator.IMessage =>
        endpoint.RequireAuthorization(
            RequiresPolicyAttribute.Of(typeof(TMessage))
            ?? throw new InvalidOperationException($"{typeof(TMessage).FullName} has no [RequiresPolicy]: the endpoint would require nothing more."));
}

/// <summary>The sender lacks the rights for the request; API 403 problem, page 403.</summary>
public sealed class ForbiddenException(string message) : Exception(message);
