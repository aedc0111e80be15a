using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CeasefireWatch.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IndexesForScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Incidents_NextStageAt",
                table: "Incidents");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Status_CeasedAt",
                table: "Incidents",
                columns: new[] { "Status", "CeasedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Status_NextStageAt",
                table: "Incidents",
                columns: new[] { "Status", "NextStageAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Incidents_Status_CeasedAt",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_Status_NextStageAt",
                table: "Incidents");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_NextStageAt",
                table: "Incidents",
                column: "NextStageAt");
        }
    }
}
