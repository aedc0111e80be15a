using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// An API caller refused by an endpoint's role policy gets a 403 problem that says which roles may make the call, as
/// the mediator's refusal does (the endpoint's policy is the request's, see <see cref="EndpointPolicies"/>). Everything
/// else (pages, challenges, successes) goes to the framework's handler.
/// </summary>
internal sealed class ApiForbiddenHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler framework = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden || !SecurityRegistration.IsApi(context.Request))
        {
            return framework.HandleAsync(next, context, policy, authorizeResult);
        }

        var roles = authorizeResult.AuthorizationFailure?.FailedRequirements
            .OfType<RolesAuthorizationRequirement>()
            .SelectMany(r => r.AllowedRoles)
            .Distinct(StringComparer.Ordinal)
            .ToArray() ?? [];
        var detail = roles.Length == 0
            ? "Your role may not make this call."
            : $"Your role may not make this call; it needs {string.Join(" or ", roles)}.";
        return ApiKeyAuthenticationHandler.WriteProblemAsync(context, problems, StatusCodes.Status403Forbidden, "Not allowed.", detail);
    }
}
