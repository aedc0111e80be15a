using System.Security.Claims;
using CeasefireWatch.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// Checks every request that arrives with the session cookie against the account as it is stored now: the
/// cookie's security stamp must still be the account's. Signing out, disabling the account, changing its role
/// and resetting its password all change the stamp, so every session of that user ends on its next request,
/// on whatever instance serves it. Identity's own validator re-checks only once an interval (it was a minute
/// here), which let a copied cookie outlive its sign-out; one primary-key read per request is the price.
/// </summary>
internal static class SessionValidator
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var services = context.HttpContext.RequestServices;
        var claims = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        var userId = principal?.FindFirstValue(claims.UserIdClaimType);
        var stamp = principal?.FindFirstValue(claims.SecurityStampClaimType);
        if (userId is not null && stamp is not null)
        {
            var db = services.GetRequiredService<AppDbContext>();
            var stored = await db.Users.AsNoTracking()
                .Where(u => u.Id == userId)
                .Select(u => u.SecurityStamp)
                .FirstOrDefaultAsync(context.HttpContext.RequestAborted);
            if (stored is not null && string.Equals(stored, stamp, StringComparison.Ordinal))
            {
                return;
            }
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}
