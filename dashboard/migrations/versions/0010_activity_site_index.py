"""ix_activities_site_date: a site's activities by day, which 需关注's site rules (last activity,
sign-ins in the period) read for every co-built site in the filter

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_activities_site_date', 'activities', ['site_id', 'date'])


def downgrade() -> None:
    op.drop_index('ix_activities_site_date', table_name='activities')
